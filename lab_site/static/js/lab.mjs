// Runs only in browsers that support ES modules, which is GOV.UK Frontend's own test.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
