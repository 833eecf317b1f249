import { describe, expect, it } from 'vitest';
import { loginPathFor, safeNextPath, sessionEndedBy } from '../return-path';

describe('safeNextPath', () => {
  it('keeps paths of the console, with their query and fragment', () => {
    expect(safeNextPath('/machines/abc')).toBe('/machines/abc');
    expect(safeNextPath('/placement?location=l1&machine=m1')).toBe('/placement?location=l1&machine=m1');
    expect(safeNextPath('/activity#top')).toBe('/activity#top');
    expect(safeNextPath('/project/settings')).toBe('/project/settings');
  });

  it('goes home for nothing, relative paths and other origins', () => {
    for (const next of [
      null,
      undefined,
      '',
      'machines',
      'https://evil.example/x',
      '//evil.example/x',
      '/\\evil.example/x',
      '/\\/evil.example',
      'javascript:alert(1)',
    ])
      expect(safeNextPath(next)).toBe('/machines');
  });

  it('never goes back to the login page', () => {
    expect(safeNextPath('/login')).toBe('/machines');
    expect(safeNextPath('/login?next=/login')).toBe('/machines');
  });
});

describe('loginPathFor', () => {
  it('remembers the page, its query included', () => {
    expect(loginPathFor({ pathname: '/machines/abc' })).toBe('/login?next=%2Fmachines%2Fabc');
    expect(loginPathFor({ pathname: '/placement', search: '?location=l1' })).toBe(
      '/login?next=%2Fplacement%3Flocation%3Dl1',
    );
    expect(
      safeNextPath(new URLSearchParams(loginPathFor({ pathname: '/a b' }).split('?')[1]).get('next')),
    ).toBe('/a%20b');
  });

  it('is the bare login page from the login page', () => {
    expect(loginPathFor({ pathname: '/login', search: '?next=%2Fmachines' })).toBe('/login');
  });
});

describe('sessionEndedBy', () => {
  it('is any operation of a console page', () => {
    expect(sessionEndedBy('Machines', '/machines')).toBe(true);
    expect(sessionEndedBy('MachineAction', '/machines/abc')).toBe(true);
    expect(sessionEndedBy('MachineChanged', '/placement')).toBe(true);
    expect(sessionEndedBy(undefined, '/activity')).toBe(true);
  });

  it('is not how the console learns it has no session, nor a wrong password, nor a logout', () => {
    expect(sessionEndedBy('Me', '/machines')).toBe(false);
    expect(sessionEndedBy('Login', '/login')).toBe(false);
    expect(sessionEndedBy('Logout', '/machines')).toBe(false);
  });

  it('is never on the login page itself', () => {
    expect(sessionEndedBy('Projects', '/login')).toBe(false);
  });
});
