// Applies the saved colour scheme (light, dark or auto) before the app renders, so a dark
// theme does not flash white. Mirrors Mantine's localStorage colour scheme manager.
(() => {
  try {
    const stored = window.localStorage.getItem("psr-color-scheme");
    let scheme = stored === "light" || stored === "dark" ? stored : "auto";
    if (scheme === "auto") {
      scheme = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    document.documentElement.setAttribute("data-mantine-color-scheme", scheme);
    const lang = window.localStorage.getItem("psr-language");
    if (lang === "en" || lang === "de") document.documentElement.setAttribute("lang", lang);
  } catch (_e) {
    // storage blocked: Mantine applies the scheme when it starts
  }
})();
