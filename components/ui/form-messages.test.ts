import { describe, expect, it } from "vitest";
import { byField, failureMessage, fieldError, formMessage } from "./form-messages";

describe("formMessage", () => {
  it("points at the fields when one of them already shows the error", () => {
    expect(formMessage("Name is taken.", { name: ["Name is taken."] })).toBe("Check the highlighted fields.");
  });

  it("keeps an error that no field shows", () => {
    expect(formMessage("The node is unreachable.", { name: ["Name is taken."] })).toBe("The node is unreachable.");
    expect(formMessage("The node is unreachable.", undefined)).toBe("The node is unreachable.");
  });
});

describe("byField", () => {
  it("merges nested keys into their top-level field without repeating a message", () => {
    expect(byField({ "tags.0": ["Invalid tag."], "tags.3": ["Invalid tag.", "Too long."], host: ["Required."] })).toEqual({
      tags: ["Invalid tag.", "Too long."],
      host: ["Required."],
    });
  });

  it("is empty without field errors", () => {
    expect(byField(undefined)).toEqual({});
  });
});

describe("fieldError", () => {
  it("reads a field's messages of a failure only", () => {
    expect(fieldError({ ok: false, error: "x", fieldErrors: { name: ["Required."] } }, "name")).toEqual(["Required."]);
    expect(fieldError({ ok: false, error: "x" }, "name")).toBeUndefined();
    expect(fieldError({ ok: true, data: undefined }, "name")).toBeUndefined();
    expect(fieldError(null, "name")).toBeUndefined();
  });
});

describe("failureMessage", () => {
  it("points at the fields when every message sits under a shown field", () => {
    expect(failureMessage({ error: "Check the highlighted fields.", fieldErrors: { name: ["Required."] } }, ["name"])).toBe(
      "Check the highlighted fields.",
    );
  });

  it("spells out messages of fields the form does not show, without the generic pointer", () => {
    expect(failureMessage({ error: "Check the highlighted fields.", fieldErrors: { id: ["Unknown tenant."], name: ["Required."] } }, ["name"])).toBe(
      "Unknown tenant.",
    );
  });

  it("keeps the error and adds unshown messages once", () => {
    expect(failureMessage({ error: "Not saved.", fieldErrors: { _form: ["Not saved.", "Try again."] } })).toBe("Not saved. Try again.");
  });

  it("is the error alone without field errors", () => {
    expect(failureMessage({ error: "Something went wrong." })).toBe("Something went wrong.");
  });
});
