'use client';

import { useState } from 'react';
import { useSession } from '@/lib/session';

/** Whether a page shows every project (platform admins only), and the setter of that choice. */
export function usePlatformScope(): [boolean, (platform: boolean) => void] {
  const { user } = useSession();
  const [platform, setPlatform] = useState(false);
  return [platform && Boolean(user?.isAdmin), setPlatform];
}

/** The choice between the current project and every project, for platform admins; nothing for others. */
export function PlatformScopeSelect(props: {
  name: string;
  platformLabel: string;
  platform: boolean;
  onChange: (platform: boolean) => void;
}) {
  const { user } = useSession();
  if (!user?.isAdmin) return null;
  return (
    <label className="field">
      <span>Scope</span>
      <select
        name={props.name}
        value={props.platform ? 'platform' : 'project'}
        onChange={(e) => props.onChange(e.target.value === 'platform')}
      >
        <option value="project">This project</option>
        <option value="platform">{props.platformLabel}</option>
      </select>
    </label>
  );
}
