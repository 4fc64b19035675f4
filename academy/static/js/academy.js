// Progressive enhancement only: every page works without this file.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-print]");
  if (target) {
    event.preventDefault();
    window.print();
  }
});
// Exports are built on request and a big one takes a few seconds before the browser shows
// the download: say that it is coming, so nobody clicks again.
let downloadTimer;
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[download]");
  const note = document.querySelector("[data-download-status]");
  if (!link || !note) {
    return;
  }
  note.hidden = false;
  link.setAttribute("aria-busy", "true");
  clearTimeout(downloadTimer);
  downloadTimer = setTimeout(() => {
    note.hidden = true;
    link.removeAttribute("aria-busy");
  }, 6000);
});
