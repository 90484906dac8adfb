// Progressive enhancement only: every page works without this file.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// "Print" buttons (the consultation record): hidden without JavaScript, where the browser's own print is used.
for (const button of document.querySelectorAll("[data-engage-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
