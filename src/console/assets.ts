// The console's only assets, shipped in the package (no CDN: it works offline and behind a firewall). Served from
// /console/assets/ with a Content-Security-Policy that admits nothing else (src/console/index.tsx).

export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1d2430;background:#f5f6f8}
a{color:#1a5fb4}
header.top{background:#1d2430;color:#e9edf3;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center}
header.top a{color:#e9edf3;text-decoration:none}
header.top nav{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
header.top nav a[aria-current]{border-bottom:2px solid #8ab4f8}
.brand{font-weight:600}
.status{display:flex;flex-wrap:wrap;gap:.3rem .8rem;font-size:12px;color:#b8c2d0;margin-left:auto}
.status b{color:#fff;font-weight:500}
.status .bad{color:#ffb4a9}
.lang a{color:#b8c2d0;font-size:12px}
form.inline{display:inline}
main{padding:1rem;max-width:1200px;margin:0 auto}
.banner{background:#fff4ce;border:1px solid #e5c200;padding:.5rem 1rem;margin:0}
.flash{background:#e6f4ea;border:1px solid #34a853;padding:.5rem 1rem;margin-bottom:1rem}
.error{background:#fde7e9;border:1px solid #d93025;padding:.5rem 1rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.35rem .5rem;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
th{font-weight:600;background:#eef0f3}
.scroll{overflow-x:auto}
.badge{display:inline-block;padding:0 .45rem;border-radius:.7rem;font-size:12px;background:#e3e6ea;white-space:nowrap}
.st-failed,.st-dead,.tr-broken,.tr-still_failing{background:#fde7e9;color:#a50e0e}
.st-success,.st-sent,.tr-fixed{background:#e6f4ea;color:#137333}
.st-running,.st-pending,.st-retrying,.st-queued{background:#e8f0fe;color:#174ea6}
.st-unstable,.st-silenced,.st-dry_run{background:#fef7e0;color:#8a5300}
.v-matched{color:#137333}.v-no{color:#a50e0e}.v-not_reached{color:#5f6368}
form.filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:end;margin-bottom:.8rem}
form.filters label{display:flex;flex-direction:column;font-size:12px}
input,select,textarea,button{font:inherit}
input,select,textarea{padding:.25rem .4rem;border:1px solid #c4c9d0;border-radius:4px;background:#fff}
textarea{width:100%;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
button{padding:.3rem .8rem;border:1px solid #1a5fb4;border-radius:4px;background:#1a5fb4;color:#fff;cursor:pointer}
button.plain{background:#fff;color:#1a5fb4}
section{background:#fff;border:1px solid #e3e6ea;border-radius:6px;padding:.6rem 1rem;margin-bottom:1rem}
h1{font-size:1.3rem;margin:.2rem 0 .8rem}h2{font-size:1.05rem;margin:.3rem 0 .6rem}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dl.fields dt{color:#5f6368}dl.fields dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.previews{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
.chat{background:#edeff2;border-radius:8px;padding:.6rem}
.chat .who{font-size:12px;color:#5f6368;margin-bottom:.3rem}
.bubble{background:#fff;border-radius:8px;padding:.5rem .7rem;margin:.3rem 0 .3rem 2.4rem;position:relative;box-shadow:0 1px 1px rgba(0,0,0,.08)}
.bubble::before{content:"";position:absolute;left:-2.4rem;top:0;width:1.9rem;height:1.9rem;border-radius:50%;background:#1a5fb4}
.bubble .msgtype{font-size:11px;color:#5f6368}
.bubble details{font-size:11px;color:#5f6368;margin-top:.3rem}
.md{overflow-wrap:anywhere}.md-h{font-weight:600;font-size:1.05em}.md-q{border-left:3px solid #c4c9d0;padding-left:.5rem;color:#3c4043}
.md-gap{height:.5rem}.md-at{color:#1a5fb4}
.muted{color:#5f6368;font-size:12px}
.login{max-width:360px;margin:3rem auto}
.login input{width:100%;margin:.4rem 0 .8rem}
.two{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
@media (max-width:700px){.two{grid-template-columns:1fr}.status{margin-left:0}main{padding:.5rem}th,td{padding:.3rem}
table.cards thead{display:none}table.cards tr{display:block;border-bottom:1px solid #e3e6ea;padding:.3rem 0}
table.cards td{display:inline-block;border:0;padding:.1rem .4rem}}
`

/**
 * Progressive enhancement, nothing more: every page works without it. An element with `data-poll` is refreshed in
 * place every few seconds from the same URL with `fragment=1`, which answers only that element's inner HTML
 * (rendered and escaped by the server like the page). Polling pauses while the tab is hidden; a redirect (the session
 * ended) reloads the page, which then shows the login.
 */
export const JS = `
(function () {
  var el = document.querySelector('[data-poll]');
  if (!el) return;
  var every = Number(el.getAttribute('data-poll')) || 3000;
  function tick() {
    if (document.hidden) return setTimeout(tick, every);
    var url = new URL(location.href);
    url.searchParams.set('fragment', '1');
    fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) { if (r.redirected) { location.reload(); return null; } return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== el.innerHTML) { el.innerHTML = html; el.setAttribute('data-refreshed', String(Date.now())); }
      })
      .catch(function () {})
      .then(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
})();
`
