// A short text hint under an element on hover and keyboard focus, in CSS: the header used Mantine's Tooltip, which
// brings floating-ui (~17 KB gzip) into the first route's JS (docs/performance.md, section 2). Escape hides it.
import { useId, useState, type ReactNode } from 'react';
import classes from './hint.module.css';

export function Hint({
  label,
  align = 'center',
  describes = true,
  children,
}: {
  label: string;
  align?: 'start' | 'center' | 'end';
  /**
   * True: the hint is the element's description (pass the id to `aria-describedby`). False: it repeats the element's
   * accessible name, so assistive technology skips it.
   */
  describes?: boolean;
  children: (hintId: string) => ReactNode;
}) {
  const id = useId();
  const [dismissed, setDismissed] = useState(false);
  return (
    <span
      className={classes.root}
      data-dismissed={dismissed || undefined}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setDismissed(true);
      }}
      onPointerLeave={() => setDismissed(false)}
      onBlur={() => setDismissed(false)}
    >
      {children(id)}
      <span
        id={id}
        role="tooltip"
        className={classes.tip}
        data-align={align}
        aria-hidden={!describes || undefined}
      >
        {label}
      </span>
    </span>
  );
}
