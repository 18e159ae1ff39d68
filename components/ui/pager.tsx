import Link from "next/link";
import { buttonClassName } from "./button";

/** Previous / Next links of a keyset-paged list; nothing when the list fits on one page. */
export function Pager({ previousHref, nextHref }: { previousHref: string | null; nextHref: string | null }) {
  if (previousHref === null && nextHref === null) return null;
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-2">
      {previousHref !== null ? (
        <Link href={previousHref} className={buttonClassName({ variant: "secondary" })} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      {nextHref !== null ? (
        <Link href={nextHref} className={buttonClassName({ variant: "secondary" })} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  );
}
