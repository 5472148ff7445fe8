// Runs only in browsers that support ES modules, which is GOV.UK Frontend's own test.
// base.html's inline snippet has usually added both classes before the first paint;
// adding them again here covers a page rendered without a CSP nonce.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
