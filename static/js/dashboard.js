// The live dashboard: fetch the figures again every few seconds and put them in place.
(() => {
  const container = document.getElementById("dashboard-figures");
  if (!container) return;
  const every = Number(container.dataset.everyMs) || 5000;
  const refresh = async () => {
    try {
      const response = await fetch(container.dataset.liveUrl, { cache: "no-store" });
      if (response.ok) container.innerHTML = await response.text();
    } catch (error) {
      // Offline for a moment: keep the last figures and try again.
    }
    setTimeout(refresh, every);
  };
  setTimeout(refresh, every);
})();
