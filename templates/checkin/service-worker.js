// The door scanner's service worker: keeps the scanner page and its files on the phone so
// the door opens and works offline. API calls are never answered from here: the page
// itself knows when it is offline and decides scans with its own copy of the list.
const VERSION = {{ version | tojson }};
const ASSETS_CACHE = `eventreg-door-assets-${VERSION}`;
const PAGES_CACHE = "eventreg-door-pages";
const ASSETS = {{ assets | tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("eventreg-door-assets-") && key !== ASSETS_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function pageFromNetworkOrCache(request) {
  const cache = await caches.open(PAGES_CACHE);
  const key = new URL(request.url).pathname;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    else if (response.status === 401) await cache.delete(key);  // a link switched off
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

async function assetFromCache(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate" && url.pathname.startsWith("/door/")) {
    event.respondWith(pageFromNetworkOrCache(event.request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(assetFromCache(event.request));
  }
});
