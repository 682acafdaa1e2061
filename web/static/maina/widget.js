/*! マイナちゃん chat widget: no dependencies, no build step (docs/web.md).
 *
 *   <script src="https://BOT/static/maina/widget.js" data-server="https://BOT" data-lang="ja" defer></script>
 *
 * Talks to Rasa's REST channel (POST {server}/webhooks/rest/webhook). Bot and user text is
 * only ever put into the page with createElement/textContent (never innerHTML). Nothing is
 * kept in browser storage; the conversation id is a fresh random value per page load.
 * The kiosk page (kiosk.js) reuses the core below via window.MainaChat (data-bubble="off").
 *
 * Languages: the words below are Japanese and English; the other languages the bot speaks
 * (locales/<code>.yml, `ui:`) come with config.json. The page follows the language the bot
 * answers in (the "language" of each REST reply message, decided by the server); the language
 * menu sends /switch_language{"language": …} so the conversation keeps the chosen language.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptUrl = new URL(script && script.src ? script.src : "static/maina/widget.js", location.href);
  var staticBase = new URL(".", scriptUrl).href; // …/static/maina/
  var data = (script && script.dataset) || {};
  var defaultServer = new URL("../../", staticBase).href.replace(/\/+$/, "");
  var REQUEST_TIMEOUT_MS = 30000;

  var STRINGS = {
    ja: {
      open: "マイナちゃんに質問する", close: "閉じる", title: "マイナちゃん",
      subtitle: "マイナンバーカードの質問にこたえるよ", inputLabel: "質問を入力",
      placeholder: "ここに質問を書いてね", send: "送信", typing: "マイナちゃんが考え中…",
      you: "あなた：", bot: "マイナちゃん：", log: "会話", choices: "返事をえらんでね",
      language: "言語",
      welcome: "こんにちは！マイナちゃんだよ。マイナンバーカードのことを聞いてね。",
      helpful: "役に立った？", helpfulYes: "はい", helpfulNo: "いいえ",
      helpfulThanks: "教えてくれてありがとう！",
      error: function (c) {
        var city = (c && c.city) || {};
        return "ごめんね、いまマイナちゃんにつながらないみたい。" + (city.tel
          ? "お問い合わせは" + (city.office || "市役所") + "（" + city.tel + "）へどうぞ。"
          : "少し時間をおいて、もう一度ためしてね。");
      }
    },
    en: {
      open: "Ask Maina-chan", close: "Close", title: "Maina-chan",
      subtitle: "Questions about the My Number Card", inputLabel: "Type your question",
      placeholder: "Type your question here", send: "Send", typing: "Maina-chan is thinking…",
      you: "You: ", bot: "Maina-chan: ", log: "Conversation", choices: "Choose a reply",
      language: "Language",
      welcome: "Hello! I'm Maina-chan. Ask me about the My Number Card.",
      helpful: "Was this helpful?", helpfulYes: "Yes", helpfulNo: "No",
      helpfulThanks: "Thank you for telling me!",
      error: function (c) {
        var city = (c && c.city) || {};
        return "Sorry, I can't connect right now. " + (city.tel
          ? "Please call " + (city.office_en || "the city office") + " at " + city.tel + "."
          : "Please try again in a little while.");
      }
    }
  };

  var BUILT_IN_LANGUAGES = [{ code: "ja", name: "日本語" }, { code: "en", name: "English" }];

  /** The languages of the language menu: config.json's, else Japanese and English. */
  function languages(config) {
    var list = config && Array.isArray(config.languages) ? config.languages.filter(function (l) {
      return l && typeof l.code === "string" && typeof l.name === "string";
    }) : [];
    return list.length ? list : BUILT_IN_LANGUAGES;
  }

  /** A language the page can show: a language of the menu; any other language the bot
   * recognises is answered in English, so the page shows English; nothing → Japanese. */
  function normLang(value, config) {
    if (!value || typeof value !== "string") return "ja";
    var known = languages(config).some(function (l) { return l.code === value; });
    return known || STRINGS[value] ? value : "en";
  }

  /**
   * The words of `page` ("widget" | "kiosk") in `lang`: `builtIn` (ja, en) or config.json's
   * `ui[lang][page]` (locales/<code>.yml) over English for a word a translation lacks.
   */
  function pageStrings(builtIn, config, page, lang) {
    if (builtIn[lang]) return builtIn[lang];
    var words = (config && config.ui && config.ui[lang] && config.ui[lang][page]) || {};
    var merged = {};
    Object.keys(builtIn.en).forEach(function (key) {
      merged[key] = typeof words[key] === "string" && words[key] ? words[key] : builtIn.en[key];
    });
    return merged;
  }

  /** A text with its {name} placeholders filled from `values`: a string, or a function of values. */
  function fill(text, values) {
    if (typeof text === "function") return text(values || {});
    return String(text).replace(/\{([A-Za-z_]+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  /** The language the bot answered in: the last "language" of its messages, or null. */
  function answeredLanguage(messages) {
    var found = null;
    (messages || []).forEach(function (m) {
      if (m && typeof m.language === "string" && /^[a-z]{2,3}$/.test(m.language)) found = m.language;
    });
    return found;
  }

  /** What the language menu sends: the switch_language intent with the chosen language. */
  function switchPayload(code) { return "/switch_language" + JSON.stringify({ language: code }); }

  /** A random conversation id (16 bytes from crypto.getRandomValues, hex). */
  function newSenderId(prefix) {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return (prefix || "web") + "-" + hex;
  }

  /** createElement with attributes and text; the only way this file makes DOM. */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // URLs and Japanese phone numbers (free dial 0120-…, IP phone 050-…, landlines 0xx-xx-xxxx).
  var TOKEN = /https?:\/\/[^\s<>"'「」『』（）【】、。]+|0\d{1,4}[-‐‑－]\d{1,4}[-‐‑－]\d{2,4}/g;
  var NEIGHBOUR = /[0-9０-９\-‐‑－]/;

  /** Append text with clickable links and tel: links; line breaks become <br>. */
  function appendRichText(parent, text, options) {
    var links = !options || options.links !== false;
    String(text).split(/\r\n|\n|\r/).forEach(function (line, index) {
      if (index) parent.appendChild(el("br"));
      var last = 0, match;
      TOKEN.lastIndex = 0;
      while ((match = TOKEN.exec(line))) {
        var token = match[0], start = match.index, node = null;
        if (token.charAt(0) === "h") {
          token = token.replace(/[.,!?;:]+$/, "");
          node = links
            ? el("a", { href: token, target: "_blank", rel: "noopener noreferrer", "class": "link" }, token)
            : el("span", { "class": "link" }, token);
        } else {
          var digits = token.replace(/\D/g, "");
          var before = line.charAt(start - 1), after = line.charAt(start + token.length);
          if (!NEIGHBOUR.test(before) && !NEIGHBOUR.test(after) && digits.length >= 10 && digits.length <= 11) {
            node = el("a", { href: "tel:" + digits, "class": "tel" }, token);
          }
        }
        if (!node) continue;
        if (start > last) parent.appendChild(document.createTextNode(line.slice(last, start)));
        parent.appendChild(node);
        last = start + token.length;
        TOKEN.lastIndex = last;
      }
      if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  /**
   * POST one message to Rasa's REST channel; resolves to the list of bot messages. `channel`
   * ("widget" | "kiosk") names the front end for the staff report (input_channel).
   */
  function sendToRasa(server, sender, text, lang, signal, channel) {
    var body = { sender: sender, message: text, metadata: { language: lang } };
    if (channel) body.input_channel = channel;
    return fetch(server.replace(/\/+$/, "") + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", signal: signal
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (body) { return Array.isArray(body) ? body : []; });
  }

  /** POST 👍 ("up") or 👎 ("down") for the answer that carried `ref`; resolves to ok. */
  function sendFeedback(server, sender, ref, value) {
    return fetch(server.replace(/\/+$/, "") + "/webhooks/feedback/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, ref: ref, value: value }),
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (response) { return response.ok; }, function () { return false; });
  }

  var FEEDBACK_REF = /^[0-9a-f]{16,32}$/;

  /** config.json (numbers from the bot's facts); {} when it cannot be loaded. */
  function loadConfig(base) {
    return fetch(new URL("config.json", base || staticBase).href, { credentials: "omit", cache: "no-cache" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .catch(function () { return {}; });
  }

  /**
   * One conversation shown in a role="log" element. options: log, typing, server, prefix,
   * channel ("widget" | "kiosk"),
   * avatar, links, lang() -> the page's language, strings() -> the page's words in it,
   * config() -> config.json (a Promise), afterQuickReply(), onReplies(list of bot messages),
   * onActivity(), onLanguage(code) when the bot answered in another language than lang()
   * (the resident wrote in it, or pressed a language button or the language menu).
   */
  function Conversation(options) {
    this.o = options;
    this.generation = 0;
    this.controller = null;
    this.sender = newSenderId(options.prefix);
  }

  Conversation.prototype.strings = function () { return this.o.strings(); };

  Conversation.prototype.reset = function () {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.generation++;
    this.sender = newSenderId(this.o.prefix);
    this.o.log.textContent = "";
    this.setTyping(false);
  };

  Conversation.prototype.setTyping = function (on) {
    var t = this.o.typing;
    if (!t) return;
    t.textContent = on ? this.strings().typing : "";
    t.hidden = !on;
  };

  Conversation.prototype.scrollTo = function (node) {
    var log = this.o.log;
    var target = node ? node.offsetTop - 8 : log.scrollHeight;
    log.scrollTop = Math.max(0, Math.min(target, log.scrollHeight));
  };

  Conversation.prototype.removeQuickReplies = function () {
    var groups = this.o.log.querySelectorAll(".quick, .feedback");
    for (var i = 0; i < groups.length; i++) groups[i].remove();
  };

  Conversation.prototype.addUser = function (text) {
    var row = el("div", { "class": "msg user" });
    var bubble = el("p", { "class": "bubble" });
    bubble.appendChild(el("span", { "class": "sr-only" }, this.strings().you));
    bubble.appendChild(document.createTextNode(text));
    row.appendChild(bubble);
    this.o.log.appendChild(row);
    this.scrollTo();
    return row;
  };

  Conversation.prototype.addBot = function (message, extraClass) {
    var self = this, s = this.strings();
    var row = el("div", { "class": "msg bot" + (extraClass ? " " + extraClass : "") });
    row.appendChild(el("img", { "class": "avatar", src: this.o.avatar, alt: "", width: "40", height: "40" }));
    if (typeof message.text === "string" && message.text.trim()) {
      var bubble = el("p", { "class": "bubble" });
      bubble.appendChild(el("span", { "class": "sr-only" }, s.bot));
      appendRichText(bubble, message.text, { links: this.o.links });
      row.appendChild(bubble);
      this.o.log.appendChild(row);
    }
    var buttons = Array.isArray(message.buttons) ? message.buttons : [], group = null;
    if (buttons.length) {
      group = el("div", { "class": "quick", role: "group", "aria-label": s.choices });
      buttons.forEach(function (b) {
        if (!b || typeof b.title !== "string") return;
        var button = el("button", { type: "button", "class": "reply" }, b.title);
        var payload = typeof b.payload === "string" && b.payload ? b.payload : b.title;
        button.addEventListener("click", function () {
          self.say(payload, b.title);
          if (self.o.afterQuickReply) self.o.afterQuickReply();
        });
        group.appendChild(button);
      });
      this.o.log.appendChild(group);
    }
    var offer = message.feedback;
    if (offer && typeof offer.ref === "string" && FEEDBACK_REF.test(offer.ref)) this.addFeedback(offer.ref);
    return row.parentNode ? row : (group || null);
  };

  /**
   * 「役に立った？」 はい/いいえ (👍/👎) under an answer (maina_rasa/feedback.py decides which answers ask).
   * Small, never focused by itself, gone with the next question: never in the way.
   */
  Conversation.prototype.addFeedback = function (ref) {
    var self = this, s = this.strings(), sender = this.sender, generation = this.generation;
    var group = el("div", { "class": "feedback", role: "group", "aria-label": s.helpful });
    group.appendChild(el("span", { "class": "feedback-q", "aria-hidden": "true" }, s.helpful));
    // Words, not 👍/👎: a kiosk or PC without an emoji font would show empty boxes.
    [["up", s.helpfulYes], ["down", s.helpfulNo]].forEach(function (choice) {
      var button = el("button", { type: "button", "class": "rate", "data-value": choice[0] }, choice[1]);
      button.addEventListener("click", function () {
        var buttons = group.querySelectorAll("button");
        for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
        sendFeedback(self.o.server, sender, ref, choice[0]).then(function (ok) {
          if (generation !== self.generation || !group.parentNode) return;
          if (!ok) { group.remove(); return; }
          group.textContent = "";
          group.removeAttribute("aria-label");
          group.setAttribute("role", "status");
          group.appendChild(el("span", { "class": "feedback-thanks" }, s.helpfulThanks));
        });
      });
      group.appendChild(button);
    });
    this.o.log.appendChild(group);
  };

  /** Show `shown` (default: text) as the user's bubble and send `text` to the bot. */
  Conversation.prototype.say = function (text, shown) {
    var self = this;
    text = String(text || "").trim();
    if (!text) return Promise.resolve();
    this.removeQuickReplies();
    this.addUser(shown || text);
    if (this.controller) this.controller.abort();
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var generation = this.generation;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, REQUEST_TIMEOUT_MS);
    this.controller = controller;
    this.setTyping(true);
    return sendToRasa(this.o.server, this.sender, text, this.o.lang(), controller && controller.signal, this.o.channel)
      .then(function (messages) {
        if (generation !== self.generation || self.controller !== controller) return;
        var answered = answeredLanguage(messages);
        if (answered && answered !== self.o.lang() && self.o.onLanguage) self.o.onLanguage(answered);
        var first = null;
        messages.forEach(function (m) {
          if (!m || (typeof m.text !== "string" && !Array.isArray(m.buttons))) return;
          var row = self.addBot(m);
          first = first || row;
        });
        if (self.o.onReplies) self.o.onReplies(messages);
        // Long answers: show their beginning; short ones: scroll to the end.
        var log = self.o.log;
        if (first) self.scrollTo(log.scrollHeight - first.offsetTop > log.clientHeight ? first : null);
      })
      .catch(function () {
        if (generation !== self.generation || self.controller !== controller) return;
        return Promise.resolve(self.o.config()).then(function (config) {
          if (generation !== self.generation) return;
          self.scrollTo(self.addBot({ text: fill(self.strings().error, config || {}) }, "error"));
        });
      })
      .then(function () {
        clearTimeout(timer);
        if (generation !== self.generation || self.controller !== controller) return;
        self.controller = null;
        self.setTyping(false);
        if (self.o.onActivity) self.o.onActivity();
      });
  };

  /**
   * The language menu: a button showing the current language that opens the list of languages
   * (a disclosure: Enter/Space open it, arrows move, Escape closes; the current one is marked
   * aria-current). options: className, onPick(code, name). Returns {node, update(lang, strings, config), close()}.
   */
  function LanguageMenu(options) {
    var id = "maina-lang-" + Math.random().toString(16).slice(2, 10);
    var node = el("div", { "class": (options.className || "langmenu") });
    var toggle = el("button", { type: "button", "class": "lang-toggle", "aria-expanded": "false", "aria-controls": id });
    var prefix = el("span", { "class": "sr-only" });
    var current = el("span", { "class": "lang-current" });
    toggle.appendChild(prefix); toggle.appendChild(current);
    toggle.appendChild(el("span", { "class": "lang-caret", "aria-hidden": "true" }, "▾"));
    var list = el("div", { id: id, "class": "lang-list", role: "group" });
    list.hidden = true;
    node.appendChild(toggle); node.appendChild(list);

    function items() { return Array.prototype.slice.call(list.querySelectorAll("button")); }
    function setOpen(open, focusToggle) {
      list.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) {
        var chosen = list.querySelector("[aria-current=true]") || items()[0];
        if (chosen) chosen.focus();
      } else if (focusToggle) toggle.focus();
    }
    toggle.addEventListener("click", function () { setOpen(list.hidden); });
    node.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !list.hidden) { e.stopPropagation(); setOpen(false, true); return; }
      if (list.hidden || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
      var all = items(), at = all.indexOf(e.target);
      var next = all[(at + (e.key === "ArrowDown" ? 1 : all.length - 1)) % all.length];
      if (next) { e.preventDefault(); next.focus(); }
    });
    node.addEventListener("focusout", function (e) {
      if (!list.hidden && e.relatedTarget && !node.contains(e.relatedTarget)) setOpen(false);
    });

    return {
      node: node,
      close: function () { setOpen(false); },
      update: function (lang, strings, config) {
        var all = languages(config), shown = all.filter(function (l) { return l.code === lang; })[0];
        prefix.textContent = strings.language + ": ";
        current.textContent = shown ? shown.name : lang;
        current.setAttribute("lang", lang);
        list.setAttribute("aria-label", strings.language);
        list.textContent = "";
        all.forEach(function (l) {
          var item = el("button", { type: "button", "class": "lang-option", lang: l.code,
            "aria-current": l.code === lang ? "true" : null }, l.name);
          item.addEventListener("click", function () {
            setOpen(false, true);
            options.onPick(l.code, l.name);
          });
          list.appendChild(item);
        });
      }
    };
  }

  var MainaChat = {
    STRINGS: STRINGS, staticBase: staticBase, defaultServer: defaultServer,
    newSenderId: newSenderId, el: el, appendRichText: appendRichText,
    sendToRasa: sendToRasa, sendFeedback: sendFeedback, loadConfig: loadConfig, Conversation: Conversation, normLang: normLang,
    languages: languages, pageStrings: pageStrings, fill: fill, answeredLanguage: answeredLanguage,
    switchPayload: switchPayload, LanguageMenu: LanguageMenu
  };
  window.MainaChat = MainaChat;

  if (data.bubble === "off") return;

  // ---- the chat bubble -------------------------------------------------------------------
  function mountBubble() {
    var lang = normLang(data.lang), loaded = {};
    var config = loadConfig(staticBase);
    var host = el("div", { id: "maina-chat-widget" });
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var css = el("link", { rel: "stylesheet", href: staticBase + "widget.css" });
    var wrap = el("div", { "class": "maina", lang: lang });
    var launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "maina-panel" });
    launcher.hidden = true;
    launcher.appendChild(el("img", { src: staticBase + "maina.svg", alt: "", width: "44", height: "44" }));
    var launcherText = el("span", { "class": "launcher-text" });
    launcher.appendChild(launcherText);

    var panel = el("section", { id: "maina-panel", "class": "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "maina-title" });
    panel.hidden = true;
    var header = el("div", { "class": "head" });
    header.appendChild(el("img", { "class": "avatar", src: staticBase + "maina.svg", alt: "", width: "40", height: "40" }));
    var titles = el("div", { "class": "titles" });
    var title = el("h2", { id: "maina-title" });
    var subtitle = el("p", { "class": "subtitle" });
    titles.appendChild(title); titles.appendChild(subtitle);
    header.appendChild(titles);
    var langMenu = LanguageMenu({ className: "langmenu", onPick: function (code, name) {
      if (code === lang) return; // already so: nothing to tell the bot
      lang = normLang(code, loaded);
      applyLanguage();
      conversation.say(switchPayload(code), name); // the bot keeps the conversation in it
    } });
    var closeButton = el("button", { type: "button", "class": "close" });
    closeButton.appendChild(el("span", { "aria-hidden": "true" }, "×"));
    header.appendChild(langMenu.node); header.appendChild(closeButton);

    var log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    var typing = el("p", { "class": "typing", role: "status" });
    typing.hidden = true;
    var form = el("form", { "class": "composer" });
    var input = el("input", { id: "maina-input", type: "text", autocomplete: "off", maxlength: "500", enterkeyhint: "send" });
    var label = el("label", { "for": "maina-input", "class": "sr-only" });
    var sendButton = el("button", { type: "submit", "class": "send" });
    form.appendChild(label); form.appendChild(input); form.appendChild(sendButton);
    panel.appendChild(header); panel.appendChild(log); panel.appendChild(typing); panel.appendChild(form);
    wrap.appendChild(launcher); wrap.appendChild(panel);
    root.appendChild(css); root.appendChild(wrap);

    var conversation = new Conversation({
      log: log, typing: typing, server: (data.server || defaultServer), prefix: "web", channel: "widget",
      avatar: staticBase + "maina.svg", links: true,
      lang: function () { return lang; }, config: function () { return config; },
      strings: function () { return words(); },
      afterQuickReply: function () { input.focus(); },
      // the bot answered in another language (typed in it, or a language button): follow it
      onLanguage: function (answered) { lang = normLang(answered, loaded); applyLanguage(); }
    });

    function words() { return pageStrings(STRINGS, loaded, "widget", lang); }

    function applyLanguage() {
      var s = words();
      wrap.setAttribute("lang", lang);
      launcher.setAttribute("aria-label", s.open);
      launcherText.textContent = s.title;
      title.textContent = s.title;
      subtitle.textContent = s.subtitle;
      langMenu.update(lang, s, loaded);
      closeButton.setAttribute("aria-label", s.close);
      log.setAttribute("aria-label", s.log);
      label.textContent = s.inputLabel;
      input.setAttribute("placeholder", s.placeholder);
      sendButton.textContent = s.send;
    }

    function setOpen(open) {
      panel.hidden = !open;
      launcher.hidden = open;
      launcher.setAttribute("aria-expanded", String(open));
      if (open) {
        if (!log.firstChild) conversation.addBot({ text: words().welcome }, "welcome");
        input.focus();
      } else {
        launcher.focus();
      }
    }

    launcher.addEventListener("click", function () { setOpen(true); });
    closeButton.addEventListener("click", function () { setOpen(false); });
    panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value;
      input.value = "";
      conversation.say(text);
    });

    applyLanguage();
    config.then(function (c) {
      loaded = c || {};
      if (lang === normLang(data.lang)) lang = normLang(data.lang, loaded); // unless changed meanwhile
      applyLanguage();
    });
    var shown = false;
    function show() {
      if (shown) return;
      shown = true;
      if (data.open === "true") setOpen(true); else launcher.hidden = false;
    }
    css.addEventListener("load", show);
    css.addEventListener("error", show);
    setTimeout(show, 3000);
    document.body.appendChild(host);
    MainaChat.widget = { conversation: conversation, open: function () { setOpen(true); } };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountBubble);
  else mountBubble();
})();
