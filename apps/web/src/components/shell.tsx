'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { type ReactNode, useState } from 'react';
import { useSession } from '@/lib/session';
import { ProjectSwitcher } from './project-switcher';

interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly exact?: boolean;
}

const PROJECT_NAV: readonly NavItem[] = [
  { href: '/machines', label: 'Machines', exact: true },
  { href: '/machines/new', label: 'Create machine' },
  { href: '/placement', label: 'Placement map' },
  { href: '/jobs', label: 'Jobs' },
  { href: '/activity', label: 'Activity' },
];
const SETTINGS_NAV: readonly NavItem[] = [
  { href: '/project/settings', label: 'Project settings' },
  { href: '/project/members', label: 'Members' },
  { href: '/project/accounts', label: 'Provider accounts' },
  { href: '/project/placement-groups', label: 'Placement groups' },
  { href: '/project/templates', label: 'Machine templates' },
  { href: '/project/quotas', label: 'Quotas' },
  { href: '/tokens', label: 'API tokens' },
];
const ADMIN_NAV: readonly NavItem[] = [
  { href: '/admin/providers', label: 'Providers' },
  { href: '/admin/hosts', label: 'Hosts' },
  { href: '/admin/users', label: 'Users' },
];

function isActive(pathname: string, item: NavItem): boolean {
  if (item.exact) return pathname === item.href || /^\/machines\/(?!new)[^/]+$/.test(pathname);
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}

function NavSection({
  title,
  items,
  pathname,
}: {
  title: string;
  items: readonly NavItem[];
  pathname: string;
}) {
  return (
    <div className="nav-section">
      <p className="nav-title">{title}</p>
      <ul>
        {items.map((item) => {
          const active = isActive(pathname, item);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                className={active ? 'nav-link active' : 'nav-link'}
                aria-current={active ? 'page' : undefined}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function ConsoleShell({ children }: { children: ReactNode }) {
  const { user, logout } = useSession();
  const pathname = usePathname();
  // The menu (narrow screens) closes by itself on navigation: it is open for one path only.
  const [menuPath, setMenuPath] = useState<string | null>(null);
  const menuOpen = menuPath === pathname;
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-icon menu-button"
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuPath(menuOpen ? null : pathname)}
        >
          ☰
        </button>
        <Link href="/machines" className="brand">
          <span className="logo-mark" aria-hidden="true" />
          Levante
        </Link>
        <ProjectSwitcher />
        <div className="topbar-end">
          <a href="/graphiql" target="_blank" rel="noopener" className="btn btn-ghost hide-narrow">
            GraphiQL ↗
          </a>
          <span className="user-chip" title={user?.isAdmin ? 'Platform admin' : undefined}>
            {user?.username}
            {user?.isAdmin ? <span className="tag">admin</span> : null}
          </span>
          <Link href="/password" className="btn btn-ghost hide-narrow">
            Password
          </Link>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <nav id="sidebar" className="sidebar" aria-label="Console">
        <NavSection title="Project" items={PROJECT_NAV} pathname={pathname} />
        <NavSection title="Settings" items={SETTINGS_NAV} pathname={pathname} />
        {user?.isAdmin ? <NavSection title="Platform" items={ADMIN_NAV} pathname={pathname} /> : null}
        <div className="nav-section">
          <p className="nav-title">Developers</p>
          <ul>
            <li>
              <a className="nav-link" href="/graphiql" target="_blank" rel="noopener">
                GraphiQL playground ↗
              </a>
            </li>
          </ul>
        </div>
      </nav>
      <main className="content" id="content">
        {children}
      </main>
    </div>
  );
}
