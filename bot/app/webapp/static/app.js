// The newsbot Mini App: reading list, reader view, alerts and admin views. Plain JS, no
// build step. Every API call carries Telegram's launch data (Authorization: tma <initData>);
// texts come from the bot's gettext catalogs through GET api/me.
"use strict";
(function () {
  const tg = (window.Telegram && window.Telegram.WebApp) || null;
  const $ = (id) => document.getElementById(id);
  const state = { texts: {}, offset: 0, loading: false, done: false, generation: 0,
                  tags: new Set(), sources: new Map(), items: new Map(), undo: null,
                  view: "list", admin: false, painted: false };
  const t = (key) => state.texts[key] || key;

  function haptic(kind, style) {
    const h = tg && tg.HapticFeedback;
    if (!h) return;
    if (kind === "impact") h.impactOccurred(style || "light");
    else if (kind === "notification") h.notificationOccurred(style || "success");
    else h.selectionChanged();
  }

  async function api(method, path, body) {
    const init = { method, headers: { Authorization: "tma " + (tg ? tg.initData : "") } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch("api/" + path, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || String(response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function fail(error) {
    const key = error.status === 401 ? "expired" : error.status === 429 ? "slow_down" : "error";
    showToast(t(key), null);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function when(iso) {
    try {
      return new Date(iso).toLocaleString(document.documentElement.lang,
        { dateStyle: "medium", timeStyle: "short" });
    } catch (e) { return iso; }
  }

  // --- views -----------------------------------------------------------------------------
  function show(view) {
    state.view = view;
    for (const name of ["list", "reader", "alerts", "admin"]) $("view-" + name).hidden = name !== view;
    for (const tab of document.querySelectorAll(".tab"))
      tab.classList.toggle("active", tab.dataset.view === view);
    if (tg && tg.BackButton) {
      if (view === "reader") tg.BackButton.show(); else tg.BackButton.hide();
    }
    if (view === "alerts") loadFollows();
    if (view === "admin") loadAdmin();
  }

  // --- the reading list ------------------------------------------------------------------
  function listParams() {
    const params = new URLSearchParams({ offset: String(state.offset) });
    const q = $("search").value.trim();
    if (q) params.set("q", q);
    if ($("filter-tag").value) params.set("tag", $("filter-tag").value);
    if ($("filter-source").value) params.set("source", $("filter-source").value);
    return params;
  }

  function resetList() {
    state.generation += 1;
    state.offset = 0; state.done = false; state.loading = false;
    $("list").replaceChildren();
    loadMore();
  }

  async function loadMore() {
    if (state.loading || state.done) return;
    state.loading = true;
    const generation = state.generation;
    $("more").textContent = t("loading");
    try {
      const page = await api("GET", "bookmarks?" + listParams());
      if (generation !== state.generation) return;
      for (const item of page.items) $("list").append(renderItem(item));
      state.offset = page.next_offset === null ? state.offset : page.next_offset;
      state.done = page.next_offset === null;
      const narrowed = $("search").value.trim() || $("filter-tag").value || $("filter-source").value;
      $("list-empty").hidden = $("list").children.length > 0;
      $("list-empty").textContent = narrowed ? t("nothing") : t("empty");
      updateFilters();
      if (!state.painted) {
        state.painted = true;
        requestAnimationFrame(() => {
          performance.mark("list-painted");
          document.body.dataset.painted = "1";
        });
      }
    } catch (error) {
      if (generation === state.generation) fail(error);
    } finally {
      if (generation === state.generation) {
        state.loading = false;
        $("more").textContent = "";
        if (!state.done && nearBottom()) loadMore();
      }
    }
  }

  function nearBottom() {
    const rect = $("more").getBoundingClientRect();
    return rect.top < window.innerHeight + 400;
  }

  function renderItem(item) {
    state.items.set(item.article_id, item);
    for (const tag of item.tags) state.tags.add(tag);
    if (item.source) state.sources.set(item.source, item.source);
    const meta = [item.source, when(item.story_time)].filter(Boolean).join(" · ");
    const tags = el("div", { class: "tags" },
      ...item.tags.map((tag) => el("button", { text: "#" + tag, onclick: () => filterTag(tag) })));
    const readButton = el("button", { class: "read", text: item.read ? t("unread") : t("read") });
    const node = el("li", { class: "item" + (item.read ? " read" : ""), "data-id": item.article_id },
      el("button", { class: "title", text: item.title || "…", onclick: () => openReader(item.article_id) }),
      el("div", { class: "meta", text: meta }),
      item.snippet ? el("div", { class: "snippet", text: item.snippet }) : null,
      item.tags.length ? tags : null,
      el("div", { class: "actions" },
        readButton,
        el("button", { class: "share", text: t("share"), onclick: () => share(item) }),
        el("button", { class: "remove", text: t("remove"), onclick: () => remove(item.article_id) })));
    readButton.addEventListener("click", () => toggleRead(item.article_id, node, readButton));
    return node;
  }

  function updateFilters() {
    fillSelect($("filter-tag"), t("all_tags"), [...state.tags].sort().map((tag) => [tag, "#" + tag]));
    fillSelect($("filter-source"), t("all_sources"), [...state.sources.keys()].sort().map((s) => [s, s]));
  }

  function fillSelect(select, first, options) {
    const current = select.value;
    if (select.options.length === options.length + 1) return;
    select.replaceChildren(el("option", { value: "", text: first }),
      ...options.map(([value, label]) => el("option", { value, text: label })));
    select.value = current;
  }

  function filterTag(tag) {
    $("filter-tag").value = tag;
    haptic("selection");
    resetList();
  }

  async function toggleRead(id, node, button) {
    const read = !node.classList.contains("read");
    try {
      await api("POST", `bookmarks/${id}/read`, { read });
      node.classList.toggle("read", read);
      button.textContent = read ? t("unread") : t("read");
    } catch (error) { fail(error); }
  }

  function share(item) {
    haptic("impact", "light");
    if (tg && tg.switchInlineQuery) tg.switchInlineQuery(item.share_query, ["users", "groups", "channels"]);
  }

  async function remove(id) {
    try {
      const answer = await api("POST", `bookmarks/${id}/remove`, {});
      haptic("impact", "medium");
      const node = document.querySelector(`.item[data-id="${id}"]`);
      const next = node ? node.nextSibling : null;
      if (node) node.remove();
      state.undo = { id, removed: answer.removed, node, next };
      showToast(t("removed"), undo);
    } catch (error) { fail(error); }
  }

  async function undo() {
    const pending = state.undo;
    state.undo = null;
    hideToast();
    if (!pending) return;
    try {
      const body = { saved_at: pending.removed.created_at, read_at: pending.removed.read_at };
      const answer = await api("POST", `bookmarks/${pending.id}/restore`, body);
      if (answer.restored && pending.node) {
        if (pending.next && pending.next.parentNode === $("list")) $("list").insertBefore(pending.node, pending.next);
        else $("list").append(pending.node);
      }
    } catch (error) { fail(error); }
  }

  let toastTimer = null;
  function showToast(text, action) {
    $("toast-text").textContent = text;
    $("toast-undo").hidden = !action;
    $("toast-undo").onclick = action;
    $("toast").hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(hideToast, 6000);
  }
  function hideToast() { $("toast").hidden = true; }

  // --- the reader view -------------------------------------------------------------------
  async function openReader(id) {
    try {
      const view = await api("GET", `articles/${id}`);
      const item = view.item;
      const meta = [item.source, view.author, when(item.story_time)].filter(Boolean).join(" · ");
      const original = item.url
        ? el("button", { class: "link original", text: t("original"),
                         onclick: () => (tg && tg.openLink ? tg.openLink(item.url) : window.open(item.url)) })
        : null;
      $("reader").replaceChildren(
        el("h1", { text: item.title }),
        el("div", { class: "meta", text: meta }),
        item.image_url ? el("img", { src: item.image_url, alt: "", loading: "lazy" }) : null,
        ...view.paragraphs.map((p) => el("p", { text: p })),
        el("div", { class: "actions" }, original,
          el("button", { class: "share", text: t("share"), onclick: () => share(item) })));
      show("reader");
      window.scrollTo(0, 0);
    } catch (error) { fail(error); }
  }

  // --- alerts ----------------------------------------------------------------------------
  async function loadFollows() {
    try {
      const data = await api("GET", "follows");
      $("follows").replaceChildren(...data.follows.map(renderFollow));
      if (!data.follows.length) $("follows").append(el("li", { class: "hint", text: t("no_follows") }));
    } catch (error) { fail(error); }
  }

  function renderFollow(follow) {
    return el("li", { class: "follow" + (follow.paused ? " paused" : ""), "data-id": follow.id },
      el("span", { class: "query", text: `${follow.number}. ${follow.query}` + (follow.paused ? ` (${t("paused")})` : "") }),
      el("button", { class: "pause", text: follow.paused ? t("resume") : t("pause"),
        onclick: async () => {
          try { await api("POST", `follows/${follow.id}/pause`, { paused: !follow.paused }); loadFollows(); }
          catch (error) { fail(error); }
        } }),
      el("button", { class: "remove", text: t("remove"),
        onclick: async () => {
          try { await api("POST", `follows/${follow.id}/remove`, {}); haptic("impact"); loadFollows(); }
          catch (error) { fail(error); }
        } }));
  }

  async function addFollow(event) {
    event.preventDefault();
    const text = $("follow-text").value.trim();
    if (!text) return;
    try {
      const answer = await api("POST", "follows", { text });
      const key = "follow_" + answer.status;
      $("follow-status").textContent = t(key);
      if (answer.status === "added") { $("follow-text").value = ""; haptic("notification", "success"); }
      else haptic("notification", "warning");
      loadFollows();
    } catch (error) { fail(error); }
  }

  // --- admin -----------------------------------------------------------------------------
  async function loadAdmin() {
    try {
      const data = await api("GET", "admin/overview");
      drawChart(data.chart);
      $("sources").replaceChildren(...data.sources.map(renderSource));
      $("channels").replaceChildren(...data.channels.map((c) => el("tr", { class: "channel" },
        el("td", { text: c.label }),
        el("td", { text: `${c.posts_per_hour} ${t("per_hour")}` }),
        el("td", { text: c.last_error ? `${t("last_error")}: ${c.last_error}` : "" }))));
    } catch (error) { fail(error); }
  }

  function renderSource(source) {
    const paused = source.state === "paused";
    return el("tr", { class: "source", "data-id": source.id, "data-state": source.state },
      el("td", { text: source.name }),
      el("td", { class: "state", text: t("state_" + source.state) }),
      el("td", { text: `${source.articles} ${t("articles")}` }),
      el("td", {}, source.state === "deactivated" ? null : el("button", {
        class: "pause", text: paused ? t("resume") : t("pause"),
        onclick: async () => {
          try { await api("POST", `admin/sources/${source.id}/pause`, { paused: !paused }); loadAdmin(); }
          catch (error) { fail(error); }
        } })));
  }

  function drawChart(days) {
    const ns = "http://www.w3.org/2000/svg";
    const width = 600, height = 200, pad = 24;
    const top = Math.max(1, ...days.map((d) => Math.max(d.articles, d.posts)));
    const slot = (width - pad) / days.length;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("role", "img");
    const add = (tag, attrs, text) => {
      const node = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    days.forEach((d, i) => {
      const x = pad + i * slot;
      const h1 = ((height - pad) * d.articles) / top, h2 = ((height - pad) * d.posts) / top;
      add("rect", { class: "bar-articles", x: x + 1, y: height - pad - h1, width: slot / 2 - 1, height: h1 },
        undefined).append(Object.assign(document.createElementNS(ns, "title"), { textContent: `${d.day}: ${d.articles} ${t("articles")}` }));
      add("rect", { class: "bar-posts", x: x + slot / 2, y: height - pad - h2, width: slot / 2 - 1, height: h2 });
      if (i % 5 === 0) add("text", { class: "axis", x, y: height - 8 }, d.day.slice(5));
    });
    add("text", { class: "axis", x: 0, y: 10 }, String(top));
    $("chart").replaceChildren(svg);
  }

  // --- start -----------------------------------------------------------------------------
  function applyTheme() {
    if (!tg) return;
    document.documentElement.dataset.scheme = tg.colorScheme || "light";
  }

  async function start() {
    if (tg) { tg.ready(); tg.expand(); applyTheme(); tg.onEvent("themeChanged", applyTheme);
              tg.BackButton && tg.BackButton.onClick(() => show("list")); }
    let me;
    try { me = await api("GET", "me"); }
    catch (error) {
      $("fatal").hidden = false;
      $("fatal").textContent = error.status === 401
        ? "This page has expired. Please reopen it from the chat." : "Something went wrong.";
      return;
    }
    state.texts = me.texts; state.admin = me.admin;
    document.documentElement.lang = me.language;
    document.title = t("title");
    $("tab-list").textContent = t("title");
    $("tab-alerts").textContent = t("alerts");
    $("tab-admin").textContent = t("admin");
    $("tab-admin").hidden = !me.admin;
    $("tabs").hidden = false;
    $("search").placeholder = t("search");
    $("follow-text").placeholder = t("follow_placeholder");
    $("follow-add").textContent = t("follow");
    $("reader-back").textContent = "← " + t("back");
    $("toast-undo").textContent = t("undo");
    $("chart-title").textContent = t("chart");
    $("sources-title").textContent = t("sources");
    $("channels-title").textContent = t("channels");
    for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => show(tab.dataset.view));
    $("reader-back").addEventListener("click", () => show("list"));
    $("follow-form").addEventListener("submit", addFollow);
    let timer = null;
    $("search").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(resetList, 250); });
    $("filter-tag").addEventListener("change", resetList);
    $("filter-source").addEventListener("change", resetList);
    new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadMore(); },
      { rootMargin: "400px" }).observe($("more"));
    resetList();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
