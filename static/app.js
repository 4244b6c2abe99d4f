// Small conveniences only: every page works without this file.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// A page showing progress names a link to itself; follow it every so often (without JavaScript the
// person clicks it).
const refresh = document.querySelector("[data-auto-refresh]");
if (refresh) {
  setTimeout(() => window.location.replace(refresh.href), Number(refresh.dataset.autoRefresh) || 1000);
}
