/* gebao consent banner. Served by gebao from the policy version in force; no framework,
   no third-party request. A page includes it with
     <script src="https://gebao.example.cn/privacy/banner.js" [data-lang="en"]></script>
   and marks each non-essential script
     <script type="text/plain" data-gebao-category="analytics">…</script>
   which runs only once its category is granted. docs/banner.md explains the rest. */
(function (C, CSS) {
  "use strict";
  var d = document, w = window, me = d.currentScript;
  if (!me || (w.gebao && w.gebao.version)) return;
  var base = new URL(me.src, location.href).origin;
  var pick = me.getAttribute("data-lang") || d.documentElement.lang || "zh-CN";
  var lang = /^en/i.test(pick) ? "en" : "zh";
  var T = C.t[lang], cats = C.categories, NAME = "gebao_consent";
  var colon = lang === "en" ? ": " : "：";
  function L(t) { return t[lang]; }

  /* The banner's own cookie (strictly necessary): the visitor's random id and the choice per
     category, "<id>.<category>-<0|1>…". */
  function load() {
    var m = d.cookie.match(/(?:^|;\s*)gebao_consent=([0-9a-f]{32})((?:\.[a-z]+-[01])*)/);
    var st = { id: m ? m[1] : "", c: {} };
    if (m) m[2].split(".").slice(1).forEach(function (p) { var kv = p.split("-"); st.c[kv[0]] = kv[1] === "1"; });
    if (!st.id) {
      var a = new Uint8Array(16);
      w.crypto.getRandomValues(a);
      st.id = Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    }
    return st;
  }
  var st = load();
  function save() {
    var v = st.id;
    Object.keys(st.c).forEach(function (k) { v += "." + k + "-" + (st.c[k] ? 1 : 0); });
    d.cookie = NAME + "=" + v + "; Path=/; Max-Age=15552000; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
  }

  /* Scripts of a granted category become real scripts; the others stay inert text. */
  function activate() {
    cats.forEach(function (c) {
      if (st.c[c.id] !== true) return;
      var q = d.querySelectorAll('script[type="text/plain"][data-gebao-category="' + c.id + '"]');
      Array.prototype.forEach.call(q, function (s) {
        var n = d.createElement("script");
        Array.prototype.forEach.call(s.attributes, function (a) {
          if (a.name !== "type" && a.name !== "data-gebao-category") n.setAttribute(a.name, a.value);
        });
        n.type = s.getAttribute("data-gebao-type") || "text/javascript";
        if (s.nonce) n.nonce = s.nonce;
        n.text = s.text;
        s.parentNode.replaceChild(n, s);
      });
    });
  }

  /* A withdrawn category's declared cookies, on this host and each parent domain. */
  function forget(c) {
    var parts = location.hostname.split(".");
    c.names.forEach(function (n) {
      for (var i = 0; i < parts.length; i++) {
        var dom = parts.slice(i).join(".");
        d.cookie = n + "=; Path=/; Max-Age=0; Domain=" + dom;
      }
      d.cookie = n + "=; Path=/; Max-Age=0";
    });
  }

  /* Records choices in gebao's ledger. Refusals take effect at once, whatever the answer;
     a grant only once it is recorded. */
  var reload = false;
  function record(list, via, done) {
    list.forEach(function (ch) {
      if (!ch.granted) {
        var c = cats.filter(function (x) { return x.id === ch.category; })[0];
        if (st.c[ch.category] === true) { forget(c); reload = true; }
        st.c[ch.category] = false;
      }
    });
    save();
    var body = JSON.stringify({ visitor: st.id, policy_version: C.version, via: via, choices: list });
    fetch(base + "/v1/banner/consents", {
      method: "POST", headers: { "content-type": "application/json" }, body: body,
      credentials: "omit", keepalive: true
    }).then(function (r) { return r.ok; }, function () { return false; }).then(function (ok) {
      if (ok) list.forEach(function (ch) { if (ch.granted) st.c[ch.category] = true; });
      save();
      activate();
      done(ok || !list.some(function (ch) { return ch.granted; }));
    });
  }

  /* ---- the dialog, in its own shadow root: the page's CSS does not reach it ---- */
  var host = d.createElement("div"), root, box, live, layer = "", opener = null;
  host.setAttribute("data-gebao-banner", "");
  root = host.attachShadow({ mode: "open" });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = d.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }
  function el(tag, attrs, kids) {
    var e = d.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "on") e.addEventListener("click", attrs.on);
      else if (k === "text") e.textContent = attrs.text;
      else e.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (k) { if (k) e.appendChild(k); });
    return e;
  }
  function button(text, on, cls) { return el("button", { type: "button", class: cls || "p", text: text, on: on }); }
  function cookieList(list) {
    return el("ul", { class: "k" }, list.map(function (k) {
      return el("li", {}, [
        el("strong", { text: L(k.name) }),
        el("span", { text: T.purpose + colon + L(k.purpose) }),
        el("span", { text: T.provider + colon + L(k.provider) + " · " + T.lifetime + colon + L(k.lifetime) })
      ]);
    }));
  }
  var decided = function () { return cats.every(function (c) { return typeof st.c[c.id] === "boolean"; }); };

  function show(kind, content) {
    layer = kind;
    if (box) box.remove();
    box = el("div", { class: "g", role: "dialog", "aria-modal": "false", "aria-labelledby": "gt", "aria-describedby": "gd", tabindex: "-1", lang: lang === "en" ? "en" : "zh-CN" }, content);
    live = el("p", { class: "s", role: "status", "aria-live": "polite" });
    box.appendChild(live);
    root.appendChild(box);
    reopen.hidden = true;
    box.focus();
  }
  function close() {
    if (box) box.remove();
    box = null;
    layer = "";
    reopen.hidden = false;
    if (reload) location.reload();
    else if (opener && opener.focus) opener.focus();
  }
  function policy() {
    return el("a", { class: "l", href: base + "/privacy/policy" + (lang === "en" ? "?lang=en" : ""), target: "_blank", rel: "noopener", text: T.policy });
  }
  /* "Accept all" never includes a separate consent: each is asked on its own step after. */
  function all(granted, via) {
    var ask = granted ? cats.filter(function (c) { return c.separate && st.c[c.id] !== true; }) : [];
    var list = cats.filter(function (c) { return !(granted && c.separate); })
      .map(function (c) { return { category: c.id, granted: granted }; });
    if (list.length) finish(list, via, ask); else if (ask.length) separate(ask); else close();
  }
  function finish(list, via, ask) {
    record(list, via, function (ok) {
      if (!ok) { if (!box) first(); live.textContent = T.failed; return; }
      if (ask.length) separate(ask);
      else { close(); reopen.title = T.saved; }
    });
  }

  function first() {
    var names = cats.map(function (c) { return L(c.label); }).join(lang === "en" ? ", " : "、");
    show("first", [
      el("h2", { id: "gt", text: T.title }),
      el("div", { id: "gd" }, [
        el("p", { text: cats.length ? T.intro + names + (lang === "en" ? "." : "。") : T.none }),
        cats.length ? el("p", { text: T.free }) : null
      ]),
      el("div", { class: "b" }, cats.length ? [
        button(T.accept, function () { all(true, "accept-all"); }),
        button(T.reject, function () { all(false, "reject-all"); }),
        button(T.settings, settings, "o")
      ] : [button(T.close, close)]),
      policy()
    ]);
  }

  function settings() {
    var boxes = {};
    var rows = cats.map(function (c) {
      var id = "gc-" + c.id;
      var cb = el("input", { type: "checkbox", role: "switch", id: id, "aria-describedby": id + "-d" });
      cb.checked = st.c[c.id] === true;
      boxes[c.id] = cb;
      return el("div", { class: "c" }, [
        el("div", { class: "h" }, [cb, el("label", { for: id, text: T.extra + " · " + L(c.label) + (c.separate ? " · " + T.separate : "") })]),
        el("div", { id: id + "-d" }, [el("p", { class: "n", text: T.off }), cookieList(c.cookies)])
      ]);
    });
    show("settings", [
      el("h2", { id: "gt", text: T.title }),
      el("div", { id: "gd" }, [el("p", { text: T.free })]),
      el("div", { class: "c" }, [
        el("div", { class: "h" }, [el("strong", { text: T.basic }), el("span", { class: "n", text: T.always })]),
        cookieList(C.necessary)
      ])
    ].concat(rows, [
      el("div", { class: "b" }, [
        button(T.save, function () {
          var list = [], ask = [];
          cats.forEach(function (c) {
            var on = boxes[c.id].checked;
            if (on && c.separate && st.c[c.id] !== true) ask.push(c);
            else list.push({ category: c.id, granted: on });
          });
          if (list.length) finish(list, "settings", ask); else separate(ask);
        }),
        button(T.accept, function () { all(true, "accept-all"); }),
        button(T.reject, function () { all(false, "reject-all"); }),
        button(T.back, first, "o")
      ]),
      policy()
    ]));
  }

  /* A separate consent (PIPL 23, 39): one category per step, agree and disagree alike. */
  function separate(ask) {
    var c = ask[0], rest = ask.slice(1);
    show("separate", [
      el("h2", { id: "gt", text: T.separate + " · " + L(c.label) }),
      el("div", { id: "gd" }, [el("p", { text: T.separate_intro }), cookieList(c.cookies)]),
      el("div", { class: "b" }, [
        button(T.agree, function () { finish([{ category: c.id, granted: true }], "separate", rest); }),
        button(T.disagree, function () { finish([{ category: c.id, granted: false }], "separate", rest); })
      ]),
      policy()
    ]);
  }

  /* Escape never counts as a choice: it goes back to the first layer, or closes a banner
     reopened over choices already made. */
  root.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !box) return;
    if (layer !== "first") first();
    else if (decided()) close();
  });

  var reopen = button(T.reopen, function () { open(); }, "r");
  reopen.hidden = true;
  root.appendChild(reopen);

  function open() {
    opener = d.activeElement;
    first();
  }

  function start() {
    d.body.appendChild(host);
    Array.prototype.forEach.call(d.querySelectorAll("[data-gebao-open]"), function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); open(); });
    });
    activate();
    var signal = (C.gpc && navigator.globalPrivacyControl) || (C.dnt && navigator.doNotTrack === "1");
    if (decided() || (signal && !cats.some(function (c) { return st.c[c.id] === true; }))) reopen.hidden = false;
    else first();
  }

  w.gebao = {
    version: C.version,
    open: open,
    granted: function (cat) { return st.c[cat] === true; }
  };
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})(__GEBAO_CONFIG__, __GEBAO_CSS__);
