// Vendor code the usage page and the receipt check load from this site (never a CDN): Apache
// ECharts' browser build at /vendor/echarts.min.js (a classic script defining window.echarts,
// allowed by the CSP's script-src 'self'), and the pages' own stylesheet.

let echarts = null;

/** Loads ECharts once; resolves to the `echarts` global. */
export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  echarts ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/echarts.min.js";
    script.async = true;
    script.addEventListener("load", () => (window.echarts ? resolve(window.echarts) : reject(new Error("echarts did not load"))));
    script.addEventListener("error", () => {
      echarts = null;
      script.remove();
      reject(new Error("echarts did not load"));
    });
    document.head.append(script);
  });
  return echarts;
}

/** Links a stylesheet of this site once. */
export function useStylesheet(href) {
  if (document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}
