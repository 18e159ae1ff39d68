import { formatOf, highlightLine, type TokenKind } from "./highlight";

const tokenClass: Record<TokenKind, string> = {
  plain: "",
  comment: "text-slate-500 italic dark:text-slate-400",
  section: "font-semibold text-violet-700 dark:text-violet-300",
  key: "text-sky-700 dark:text-sky-300",
  flag: "text-sky-700 dark:text-sky-300",
  keyword: "font-semibold text-rose-700 dark:text-rose-300",
  string: "text-emerald-700 dark:text-emerald-300",
  number: "text-amber-700 dark:text-amber-300",
  name: "text-violet-700 dark:text-violet-300",
};

/** A read-only, syntax-highlighted view of the first `maxLines` lines of an artefact (server component). */
export function ArtefactView({ path, content, maxLines = 1500 }: { path: string; content: string; maxLines?: number }) {
  const format = formatOf(path);
  const lines = content.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const shown = lines.slice(0, maxLines);
  return (
    <div>
      <pre
        aria-label={`Contents of ${path}`}
        className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-3 font-mono text-xs leading-5 dark:border-slate-800 dark:bg-slate-950"
      >
        <code>
          {shown.map((line, index) => (
            <div key={index} className="flex">
              <span aria-hidden="true" className="mr-4 inline-block w-12 shrink-0 text-right text-slate-400 select-none">{index + 1}</span>
              <span className="whitespace-pre">
                {highlightLine(line, format).map((token, i) =>
                  token.kind === "plain" ? token.text : <span key={i} className={tokenClass[token.kind]}>{token.text}</span>,
                )}
              </span>
            </div>
          ))}
        </code>
      </pre>
      {lines.length > shown.length ? (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          Showing the first {shown.length.toLocaleString("en")} of {lines.length.toLocaleString("en")} lines. Download the file for the rest.
        </p>
      ) : null}
    </div>
  );
}
