// The crest and GOV.UK logo are reserved for GOV.UK: remove the one compiled rule that
// draws the crest (the footer's crown-copyright logo), so the CSS never references it.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
let css = readFileSync(file, "utf8");
css = css
  .replace(/@supports[^{]*\{\.govuk-footer__copyright-logo::before\{[^}]*\}\}/g, "")
  .replace(/\.govuk-footer__copyright-logo::before\{[^}]*\}/g, "");
if (css.includes("govuk-crest")) {
  throw new Error("the compiled CSS still refers to the GOV.UK crest");
}
writeFileSync(file, css);
