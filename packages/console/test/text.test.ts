/** Links in message text: http(s) URLs and www. addresses only, never another scheme. */
import { describe, expect, it } from "vitest";
import { linkify } from "../src/text.js";

const links = (text: string) => linkify(text).filter((part) => part.href !== undefined);

describe("linkify", () => {
  it("links http(s) URLs and www. addresses, leaving sentence punctuation outside", () => {
    expect(linkify("See www.example.com/help. Or https://example.org/a?b=1, thanks")).toEqual([
      { text: "See " },
      { text: "www.example.com/help", href: "https://www.example.com/help" },
      { text: ". Or " },
      { text: "https://example.org/a?b=1", href: "https://example.org/a?b=1" },
      { text: ", thanks" },
    ]);
  });

  it("never links another scheme, and www. only as a name with a dot after it", () => {
    expect(links("javascript:alert(1) data:text/html,<b>x</b> vbscript:msgbox www. www.example")).toEqual([]);
    // What follows "javascript:" may be an address, linked over https: the scheme itself is text.
    expect(links("javascript:www.example.com/x")).toEqual([{ text: "www.example.com/x", href: "https://www.example.com/x" }]);
    expect(links("https://www.example.com")).toEqual([{ text: "https://www.example.com", href: "https://www.example.com/" }]);
  });
});
