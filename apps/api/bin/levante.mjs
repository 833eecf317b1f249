#!/usr/bin/env node
// The `levante` command: runs the TypeScript sources through tsx, which needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
