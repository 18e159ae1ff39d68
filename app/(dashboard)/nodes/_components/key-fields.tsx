"use client";

import { useId, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextareaField, type FieldError } from "@/components/ui/field";
import type { KeySource } from "@/lib/validation/node";
import { generateKeyAction } from "../actions";
import { PublicKeyBox } from "./public-key-box";

const MAX_KEY_FILE_BYTES = 16 * 1024;

const sources: { value: KeySource; label: string; hint: string }[] = [
  { value: "paste", label: "Paste a private key", hint: "An unencrypted OpenSSH or PEM private key." },
  { value: "upload", label: "Upload a key file", hint: "For example id_ed25519 (not the .pub file)." },
  { value: "generate", label: "Generate a new key", hint: "Rampart makes an ed25519 pair and shows the public key for authorized_keys." },
];

/**
 * The private key of a node: pasted, read from a file in the browser, or generated on the server (only a
 * sealed draft comes back, so the private half is never in the page). Posts keySource, privateKey and
 * keyDraft as form fields. The key is encrypted at rest and never shown again after saving.
 */
export function KeyFields({ user, error }: { user: string; error?: FieldError }) {
  const [source, setSource] = useState<KeySource>("paste");
  const [pasted, setPasted] = useState("");
  const [uploaded, setUploaded] = useState<{ name: string; text: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [generated, setGenerated] = useState<{ publicKey: string; keyDraft: string } | null>(null);
  const [generateError, setGenerateError] = useState<string | null>(null);
  const [isGenerating, startGenerating] = useTransition();
  const groupId = useId();
  const fileId = useId();

  async function onFile(file: File | undefined) {
    setUploaded(null);
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_KEY_FILE_BYTES) {
      setFileError("That file is too large to be an SSH private key.");
      return;
    }
    setUploaded({ name: file.name, text: await file.text() });
  }

  function generate() {
    startGenerating(async () => {
      const result = await generateKeyAction();
      if (result.ok) {
        setGenerated(result.data);
        setGenerateError(null);
      } else {
        setGenerateError(result.error);
      }
    });
  }

  const privateKey = source === "paste" ? pasted : source === "upload" ? (uploaded?.text ?? "") : "";
  return (
    <fieldset className="min-w-0 space-y-3">
      <legend className="text-sm font-medium text-slate-900 dark:text-slate-100">SSH private key</legend>
      <input type="hidden" name="keySource" value={source} />
      {source !== "generate" ? <input type="hidden" name="privateKey" value={privateKey} /> : null}
      {source === "generate" && generated ? <input type="hidden" name="keyDraft" value={generated.keyDraft} /> : null}
      <div role="radiogroup" aria-labelledby={`${groupId}-label`} className="grid gap-2 sm:grid-cols-3">
        <span id={`${groupId}-label`} className="sr-only">
          Where the key comes from
        </span>
        {sources.map((option) => (
          <label
            key={option.value}
            className={`flex cursor-pointer gap-2 rounded-md border p-3 text-sm ${source === option.value ? "border-brand-600 bg-brand-50 dark:bg-brand-500/10" : "border-slate-300 dark:border-slate-700"}`}
          >
            <input
              type="radio"
              name={`${groupId}-source`}
              value={option.value}
              checked={source === option.value}
              onChange={() => setSource(option.value)}
              className="mt-0.5 accent-brand-600"
            />
            <span>
              <span className="block font-medium text-slate-900 dark:text-slate-100">{option.label}</span>
              <span className="block text-xs text-slate-500 dark:text-slate-400">{option.hint}</span>
            </span>
          </label>
        ))}
      </div>

      {source === "paste" ? (
        <TextareaField
          label="Private key"
          rows={6}
          value={pasted}
          onChange={(event) => setPasted(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          hint="Stored encrypted (AES-256-GCM) and never shown again."
          error={error}
          className="font-mono"
        />
      ) : null}

      {source === "upload" ? (
        <div>
          <label htmlFor={fileId} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
            Key file
          </label>
          <input
            id={fileId}
            type="file"
            onChange={(event) => void onFile(event.target.files?.[0])}
            aria-invalid={fileError || error ? true : undefined}
            aria-describedby={`${fileId}-message`}
            className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-semibold dark:text-slate-300"
          />
          <p id={`${fileId}-message`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            {uploaded ? `Read ${uploaded.name}. It is stored encrypted and never shown again.` : "The file is read in the browser and sent when you save."}
          </p>
          {fileError || error ? <p className="mt-1 text-sm text-red-700 dark:text-red-400">{fileError ?? (typeof error === "string" ? error : error?.join(" "))}</p> : null}
        </div>
      ) : null}

      {source === "generate" ? (
        <div className="space-y-3">
          {generated ? (
            <PublicKeyBox publicKey={generated.publicKey} user={user} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Rampart keeps the private half; you put the public half on the node.</p>
          )}
          <Button variant="secondary" onClick={generate} disabled={isGenerating} aria-busy={isGenerating || undefined}>
            {isGenerating ? "Generating…" : generated ? "Generate another key" : "Generate key pair"}
          </Button>
          {generateError ? <Alert tone="error">{generateError}</Alert> : null}
          {error ? <p className="text-sm text-red-700 dark:text-red-400">{typeof error === "string" ? error : error.join(" ")}</p> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
