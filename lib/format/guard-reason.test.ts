import { describe, expect, it } from "vitest";
import { GUARD_REASON_TEXT } from "@/lib/guard/outcome";
import { guardReasonText } from "./guard-reason";

describe("guardReasonText", () => {
  it("explains every reason the guard writes and shows an unknown one as written", () => {
    expect(guardReasonText("extension-daily")).toBe("The extension's daily limit is reached");
    expect(guardReasonText("abuse")).toBe(GUARD_REASON_TEXT.abuse);
    expect(guardReasonText("some-new-reason")).toBe("some-new-reason");
    expect(guardReasonText("toString")).toBe("toString");
  });
});
