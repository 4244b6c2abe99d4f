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

// A mark sheet is typed by keyboard: Enter goes to the next contestant (the last one saves), and a
// value that is no mark, or above the limit, is said beside its field as it is typed.
const marks = [...document.querySelectorAll("input[data-mark-limit]")];
const markPattern = /^\s*(?:[0-9０-９]+(?:[.．][0-9０-９]{0,2})?|[.．][0-9０-９]{1,2})?\s*$/;
const halfWidth = (text) => text.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
marks.forEach((input, index) => {
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const next = marks[index + 1];
    if (next) {
      event.preventDefault();
      next.focus();
      next.select();
    }
  });
  input.addEventListener("input", () => {
    const text = input.value;
    const ok = markPattern.test(text) && (text.trim() === "" || Number(halfWidth(text.trim())) <= Number(input.dataset.markLimit));
    const message = document.getElementById(`e${input.id.slice(1)}`);
    if (ok) {
      input.removeAttribute("aria-invalid");
      if (message) message.hidden = true;
    } else {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", message ? message.id : "");
      if (message) message.hidden = false;
    }
  });
});

// The finder: "use my position" asks the phone where it is and sends that instead of a place
// (without JavaScript, or when refused, the district and place lists work alone).
const locate = document.querySelector("[data-locate]");
if (locate && navigator.geolocation) {
  locate.hidden = false;
  locate.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const form = locate.form;
        for (const name of ["lat", "lon"]) {
          const input = form.querySelector(`[data-position="${name}"]`);
          input.disabled = false;
          input.value = String(name === "lat" ? position.coords.latitude : position.coords.longitude);
        }
        const place = form.querySelector("#place");
        if (place) place.disabled = true;
        form.submit();
      },
      () => window.alert(locate.dataset.failed),
      { enableHighAccuracy: true, timeout: 10000 },
    );
  });
}
