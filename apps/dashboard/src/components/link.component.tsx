import type { ReactNode } from 'react';
import { type Route, href, onLinkClick } from '../router';

export function Link({ to, children, className, label }: { to: Route; children: ReactNode; className?: string; label?: string }) {
  return (
    <a href={href(to)} onClick={onLinkClick} className={className} aria-label={label}>
      {children}
    </a>
  );
}
