import { expect } from "vitest";
import { AppError } from "@/lib/errors";

/** Awaits `promise`, which must reject with an AppError of `code` (and a message matching `message`); returns it. */
export async function expectAppError(promise: Promise<unknown>, code: AppError["code"], message?: RegExp): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, String(error)).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (message) expect((error as AppError).message).toMatch(message);
  return error as AppError;
}
