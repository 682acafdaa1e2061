/*! マイナちゃん office-tablet kiosk (/kiosk/): touch only, large type, resets itself.
 *
 * Privacy on a shared device: a fresh random conversation id after every reset, a visible
 * 「最初から」 button, an automatic reset after idle time (?idle=SECONDS, data-idle, or the
 * server's idle_seconds; default 90) with a countdown, and nothing in browser storage.
 * Uses the core of widget.js (window.MainaChat); no dependencies, no build step.
 * Words: Japanese and English below, other languages from config.json (`ui.<code>.kiosk`,
 * locales/<code>.yml); {name} placeholders are filled by MainaChat.fill.
 */
(function () {
  "use strict";

  var MIN_IDLE = 3, MAX_IDLE = 3600, DEFAULT_IDLE = 90;
  var RELOAD_AFTER_MS = 6 * 3600 * 1000; // a reset after 6 h reloads the page (new config/assets)

  var TEXT = {
    ja: {
      title: "マイナちゃん", subtitle: "マイナンバーカードのご案内", homeTitle: "知りたいことをえらんでね",
      talkTitle: "マイナちゃんとの会話", restart: "最初から", menu: "メニュー", log: "会話",
      language: "言語",
      idleTitle: "まもなく最初の画面にもどります", idleContinue: "つづける", idleCount: "あと {n} 秒",
      pickerBirth: "生年月日をえらんでね", pickerIssue: "カードを受け取った日（交付日）をえらんでね",
      pickerApplication: "カードを申請した日をえらんでね", pickerStay: "在留期限（在留期間の満了日）をえらんでね",
      year: "年", month: "月", day: "日", pickerSend: "この日付で送る", pickerCancel: "とじる",
      yearMinus10: "10年前へ", yearMinus1: "1年前へ", yearPlus1: "1年後へ", yearPlus10: "10年後へ",
      monthMinus: "前の月へ", monthPlus: "次の月へ", dayMinus: "前の日へ", dayPlus: "次の日へ",
      yearValue: "{year}年（{era}）", monthValue: "{month}月", dayValue: "{day}日",
      dateValue: "{year}年（{era}）{month}月{day}日"
    },
    en: {
      title: "Maina-chan", subtitle: "My Number Card guide", homeTitle: "What would you like to know?",
      talkTitle: "Conversation with Maina-chan", restart: "Start over", menu: "Menu", log: "Conversation",
      language: "Language",
      idleTitle: "Going back to the first screen soon", idleContinue: "Continue", idleCount: "{n} s",
      pickerBirth: "Choose your date of birth", pickerIssue: "Choose the day you received the card",
      pickerApplication: "Choose the day you applied for the card", pickerStay: "Choose the end of your period of stay",
      year: "Year", month: "Month", day: "Day", pickerSend: "Send this date", pickerCancel: "Close",
      yearMinus10: "10 years earlier", yearMinus1: "1 year earlier", yearPlus1: "1 year later", yearPlus10: "10 years later",
      monthMinus: "Previous month", monthPlus: "Next month", dayMinus: "Previous day", dayPlus: "Next day",
      yearValue: "{year} ({era})", monthValue: "{monthName}", dayValue: "{day}",
      dateValue: "{day} {monthName} {year} ({era})"
    }
  };
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  /**
   * Japanese era of a date, e.g. 平成2年 / 令和元年, from config.json's `eras` (maina/wareki.py:
   * the one era table; name and first day, oldest first). "" when config.json did not load.
   */
  function eraName(y, m, d, eras) {
    var v = y * 10000 + m * 100 + d, found = null;
    (eras || []).forEach(function (era) {
      var s = String(era.start || "").split("-").map(Number);
      if (s.length === 3 && v >= s[0] * 10000 + s[1] * 100 + s[2]) found = { name: era.name, first: s[0] };
    });
    if (!found) return "";
    var year = y - found.first + 1;
    return found.name + (year === 1 ? "元" : year) + "年";
  }

  function daysIn(y, m) { return new Date(y, m, 0).getDate(); }

  // Which date the bot asks for. A bot message says so explicitly with "ask" (the REST channel,
  // from the response's metadata) or a custom payload {"input": "date", "kind":
  // "birth"|"issue"|"application"|"stay"}; otherwise (a correction in ja/en) one sentence
  // must both name a date and ask (e.g. 「まず、生年月日を教えてね。」「交付日）はいつかな？」).
  var DATE_KINDS = [
    ["stay", /在留期限|在留期間|満了日|period of stay|stay ends?\b/i],
    ["application", /申請日|申請した日|when did you apply|application date/i],
    ["birth", /生年月日|誕生日|生まれ|date of birth|birth ?date|birthday|born/i],
    ["issue", /交付|作った|発行|受け取った日|issued|issue date|receiv\w* (?:the |your )?card|got (?:the |your )?card/i],
    // any other date question: 「日付」, or an example date such as 2019年3月4日 / 4 March 2019
    ["again", /日付|\bdate\b|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/i]
  ];
  var ASKING = /[？?]|教えて|tell me|please (?:give|write)/i;
  var NOT_A_DATE = /再発行|コンビニ交付|証明書交付|交付申請書?|交付通知書?|交付手数料|発行手数料|発行日後|交付までの|交付場所/g;

  function askedDate(message, previous) {
    // the bot says so ("ask", from the response's metadata: every language), or a custom payload
    var asked = message.ask || message.custom || {};
    if (asked.input === "date" || asked.ask === "date") {
      return /^(birth|issue|application|stay)$/.test(asked.kind) ? asked.kind : (previous || "birth");
    }
    if (typeof message.text !== "string") return null;
    var sentences = message.text.replace(NOT_A_DATE, "").split(/[。！!\n]+/);
    for (var i = 0; i < sentences.length; i++) {
      if (!ASKING.test(sentences[i])) continue;
      for (var k = 0; k < DATE_KINDS.length; k++) {
        if (DATE_KINDS[k][1].test(sentences[i])) {
          return DATE_KINDS[k][0] === "again" ? (previous || "birth") : DATE_KINDS[k][0];
        }
      }
    }
    // A correction names the date in one sentence and asks in the next:
    // 「その申請日はまだ来ていない日だよ。もう一度教えてね。」
    var whole = sentences.join("。");
    if (/もう一度|again/i.test(whole) && ASKING.test(whole)) {
      for (k = 0; k < DATE_KINDS.length; k++) {
        if (DATE_KINDS[k][1].test(whole)) return DATE_KINDS[k][0] === "again" ? (previous || "birth") : DATE_KINDS[k][0];
      }
    }
    return null;
  }

  // Year range and first value shown for each kind of date.
  function dateRange(kind, today) {
    var y = today.getFullYear();
    if (kind === "stay") return { min: y - 1, max: y + 10, start: y + 1, future: true };
    if (kind === "issue") return { min: 2016, max: y, start: y - 3, future: false };
    if (kind === "application") return { min: 2015, max: y, start: y - 3, future: false };
    return { min: 1900, max: y, start: 1980, future: false };
  }

  function idleSecondsFrom(root, config) {
    var candidates = [
      new URLSearchParams(location.search).get("idle"),
      root.getAttribute("data-idle"),
      config && config.kiosk && config.kiosk.idle_seconds
    ];
    for (var i = 0; i < candidates.length; i++) {
      var n = parseInt(candidates[i], 10);
      if (n >= MIN_IDLE && n <= MAX_IDLE) return n;
    }
    return DEFAULT_IDLE;
  }

  function start() {
    var Maina = window.MainaChat;
    var $ = function (id) { return document.getElementById(id); };
    var root = $("kiosk"), home = $("home"), talk = $("talk"), menu = $("menu"), log = $("log");
    var picker = $("picker"), overlay = $("idle");
    var lang = "ja", config = {}, configLoaded = Maina.loadConfig(), idleSeconds = idleSecondsFrom(root, null);
    var lastActivity = Date.now(), loadedAt = Date.now();
    var today = new Date();
    var date = { kind: "birth", y: 1980, m: 1, d: 1 };

    var conversation = new Maina.Conversation({
      log: log, typing: $("typing"), server: Maina.defaultServer, prefix: "kiosk", channel: "kiosk",
      avatar: Maina.staticBase + "maina.svg", links: false,
      lang: function () { return lang; }, config: function () { return configLoaded; },
      strings: function () { return Maina.pageStrings(Maina.STRINGS, config, "widget", lang); },
      onReplies: function (messages) {
        var kind = null;
        messages.forEach(function (m) { kind = (m && askedDate(m, date.kind)) || kind; });
        if (kind) showPicker(kind); else hidePicker();
      },
      onActivity: activity,
      // the bot answered in another language (a language button in an answer): the screen follows
      onLanguage: function (answered) { lang = Maina.normLang(answered, config); applyLanguage(); }
    });
    var langMenu = Maina.LanguageMenu({ className: "langmenu", onPick: function (code, name) {
      if (code === lang) return; // already so: nothing to tell the bot
      lang = Maina.normLang(code, config);
      applyLanguage();
      activity();
      conversation.say(Maina.switchPayload(code), name); // the bot keeps the conversation in it
    } });
    var langButton = $("lang");
    langButton.parentNode.replaceChild(langMenu.node, langButton);

    // ---- language and labels ------------------------------------------------------------
    function t() { return Maina.pageStrings(TEXT, config, "kiosk", lang); }
    function applyLanguage() {
      var s = t();
      document.documentElement.lang = lang;
      var nodes = root.querySelectorAll("[data-i18n]");
      for (var i = 0; i < nodes.length; i++) nodes[i].textContent = s[nodes[i].getAttribute("data-i18n")];
      nodes = root.querySelectorAll("[data-i18n-label]");
      for (i = 0; i < nodes.length; i++) nodes[i].setAttribute("aria-label", s[nodes[i].getAttribute("data-i18n-label")]);
      langMenu.update(lang, s, config);
      renderMenu();
      if (!picker.hidden) renderPicker();
    }

    function renderMenu() {
      menu.textContent = "";
      var items = (config.kiosk && config.kiosk.menu) || [];
      items.forEach(function (item) {
        var labels = item.labels || {};
        var label = labels[lang] || labels.en || labels.ja;
        var button = Maina.el("button", { type: "button", "class": "tile" }, label);
        button.addEventListener("click", function () { ask(item.payload, label); });
        menu.appendChild(button);
      });
    }

    // ---- screens ------------------------------------------------------------------------
    function showTalk() { home.hidden = true; talk.hidden = false; }
    function showHome() { talk.hidden = true; home.hidden = false; $("home-title").focus(); }
    function ask(text, shown) {
      showTalk();
      hidePicker();
      conversation.say(text, shown);
    }

    function reset() {
      if (Date.now() - loadedAt > RELOAD_AFTER_MS) { location.reload(); return; } // new facts/assets
      conversation.reset(); // aborts a pending reply, clears the log, new random sender id
      hidePicker();
      setOverlay(false);
      langMenu.close();
      lang = "ja";
      applyLanguage();
      window.scrollTo(0, 0);
      showHome();
      lastActivity = Date.now();
    }

    // ---- date picker --------------------------------------------------------------------
    function clampDate() {
      var range = dateRange(date.kind, today);
      date.y = Math.min(Math.max(date.y, range.min), range.max);
      date.m = Math.min(Math.max(date.m, 1), 12);
      date.d = Math.min(Math.max(date.d, 1), daysIn(date.y, date.m));
      var v = date.y * 10000 + date.m * 100 + date.d;
      var max = today.getFullYear() * 10000 + (today.getMonth() + 1) * 100 + today.getDate();
      if (!range.future && v > max) { date.y = today.getFullYear(); date.m = today.getMonth() + 1; date.d = today.getDate(); }
    }

    var PICKER_TITLES = { birth: "pickerBirth", issue: "pickerIssue", application: "pickerApplication", stay: "pickerStay" };
    function renderPicker() {
      var s = t(), fill = Maina.fill;
      var values = { year: date.y, month: date.m, day: date.d, era: eraName(date.y, date.m, date.d, config.eras),
        monthName: MONTHS[date.m - 1] };
      $("picker-title").textContent = s[PICKER_TITLES[date.kind] || "pickerBirth"];
      $("picker-year").textContent = fill(s.yearValue, values);
      $("picker-month").textContent = fill(s.monthValue, values);
      $("picker-day").textContent = fill(s.dayValue, values);
      $("picker-value").textContent = fill(s.dateValue, values);
      picker.setAttribute("data-year", date.y);
      picker.setAttribute("data-month", date.m);
      picker.setAttribute("data-day", date.d);
    }

    function showPicker(kind) {
      today = new Date(); // the tablet may run for days
      if (picker.hidden || date.kind !== kind) {
        date = { kind: kind, y: dateRange(kind, today).start, m: 1, d: 1 };
      }
      clampDate();
      renderPicker();
      picker.hidden = false;
    }
    function hidePicker() { picker.hidden = true; }

    picker.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest("button.step") : null;
      if (!button) return;
      var delta = parseInt(button.getAttribute("data-delta"), 10);
      var unit = button.getAttribute("data-unit");
      if (unit === "year") date.y += delta;
      else if (unit === "month") { date.m += delta; if (date.m < 1) { date.m = 12; date.y--; } else if (date.m > 12) { date.m = 1; date.y++; } }
      else {
        date.d += delta;
        if (date.d < 1) { date.m--; if (date.m < 1) { date.m = 12; date.y--; } date.d = daysIn(date.y, date.m); }
        else if (date.d > daysIn(date.y, date.m)) { date.d = 1; date.m++; if (date.m > 12) { date.m = 1; date.y++; } }
      }
      clampDate();
      renderPicker();
    });
    $("picker-send").addEventListener("click", function () {
      var text = date.y + "年" + date.m + "月" + date.d + "日"; // what the bot's date parser reads
      hidePicker();
      conversation.say(text);
    });
    $("picker-cancel").addEventListener("click", hidePicker);

    // ---- idle reset -----------------------------------------------------------------------
    function setOverlay(visible) {
      if (overlay.hidden === !visible) return;
      overlay.hidden = !visible;
      // While the countdown shows, the screen behind it is out of reach (and of screen readers).
      root.querySelector(".bar").inert = visible;
      root.querySelector(".main").inert = visible;
      if (visible) $("idle-continue").focus();
    }
    function activity() {
      lastActivity = Date.now();
      setOverlay(false);
    }
    function inUse() { return !talk.hidden || lang !== "ja" || !picker.hidden; }
    function countdownSeconds() { return Math.min(10, Math.max(1, Math.floor(idleSeconds / 3))); }

    function tick() {
      if (!inUse()) { setOverlay(false); lastActivity = Date.now(); return; }
      var elapsed = (Date.now() - lastActivity) / 1000;
      if (elapsed >= idleSeconds) { reset(); return; }
      var left = Math.ceil(idleSeconds - elapsed);
      if (left <= countdownSeconds()) {
        $("idle-count").textContent = Maina.fill(t().idleCount, { n: left });
        setOverlay(true);
      }
    }
    function touched() { lastActivity = Date.now(); }
    // A touch only restarts the clock; the countdown closes on the click that follows (on the
    // overlay itself), so that the tap cannot fall through to a button behind it.
    ["pointerdown", "touchstart", "wheel"].forEach(function (type) {
      document.addEventListener(type, touched, { capture: true, passive: true });
    });
    document.addEventListener("keydown", activity, { capture: true, passive: true });
    log.addEventListener("scroll", touched, { passive: true });
    overlay.addEventListener("click", activity);
    setInterval(tick, 250);

    // ---- buttons ----------------------------------------------------------------------------
    $("restart").addEventListener("click", reset);
    $("back-to-menu").addEventListener("click", function () { hidePicker(); showHome(); });

    applyLanguage();
    configLoaded.then(function (c) {
      config = c || {};
      idleSeconds = idleSecondsFrom(root, config);
      applyLanguage();
      root.setAttribute("data-ready", "true");
    });
    window.MainaKiosk = { reset: reset, askedDate: askedDate, eraName: eraName, dateRange: dateRange };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
