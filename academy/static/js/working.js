// Long form posts (a CSV import) show that they are working and cannot be sent twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-working")) {
    return;
  }
  const message = form.querySelector("[data-working-message]");
  if (message) {
    message.hidden = false;
  }
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
});
