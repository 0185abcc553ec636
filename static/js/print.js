// Print buttons are hidden until this runs: without JavaScript, the browser's own print works.
for (const button of document.querySelectorAll(".print-button")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
