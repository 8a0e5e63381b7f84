// The chat without page reloads: messages go to the gateway's same-origin endpoint
// with the page's CSRF token, replies appear in the live region, the bot's buttons
// become quick replies, and the advice panel (rendered by the server) appears when
// the assistant gives its advice. Without JavaScript the same forms post normally.
(function () {
  "use strict";
  var form = document.getElementById("message-form");
  if (!form || !window.fetch) return;
  var cid = form.dataset.consultation;
  var csrf = form.dataset.csrf;
  var list = document.getElementById("transcript-list");
  var log = document.getElementById("transcript");
  var quick = document.getElementById("quick-replies");
  var quickButtons = document.getElementById("quick-reply-buttons");
  var advice = document.getElementById("advice");
  var errorBox = document.getElementById("chat-error");
  var errorText = document.getElementById("chat-error-text");
  var status = document.getElementById("chat-status");
  var box = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var ENGINE_DOWN = "The assistant is not available right now. If a child is in immediate danger, phone 999.";
  var busy = false;
  var pending = null; // {body, key}: a failed send is retried with the same key (stored once)

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function add(direction, text) {
    var li = document.createElement("li");
    li.className = "app-msg app-msg--" + direction;
    var who = document.createElement("span");
    who.className = "app-msg__who";
    who.textContent = direction === "in" ? "You" : "Assistant";
    var body = document.createElement("span");
    body.className = "app-msg__text";
    body.textContent = text;
    li.appendChild(who);
    li.appendChild(body);
    list.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function showButtons(buttons) {
    quickButtons.innerHTML = "";
    (buttons || []).forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "govuk-button govuk-button--secondary app-quick-reply";
      btn.textContent = b.title;
      btn.dataset.payload = b.payload;
      btn.addEventListener("click", function () { send({ payload: b.payload }, b.title); });
      quickButtons.appendChild(btn);
    });
    quick.hidden = !(buttons && buttons.length);
  }

  function showError(message, focus) {
    errorText.textContent = message;
    errorBox.hidden = false;
    if (focus) errorBox.focus();
  }

  function showAdvice(html) {
    advice.innerHTML = html;
    advice.hidden = false;
    var title = document.getElementById("advice-title");
    if (title) title.focus();
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    sendButton.setAttribute("aria-disabled", on ? "true" : "false");
    status.textContent = on ? "The assistant is replying…" : "";
  }

  function send(body, shown) {
    if (busy) return;
    var same = pending && JSON.stringify(pending.body) === JSON.stringify(body);
    var key = same ? pending.key : newKey();
    pending = { body: body, key: key };
    errorBox.hidden = true;
    var bubble = add("in", shown);
    function unsent() { if (bubble.parentNode) bubble.parentNode.removeChild(bubble); }
    setBusy(true);
    var params = new URLSearchParams(body);
    params.set("key", key);
    fetch("/chat/" + encodeURIComponent(cid) + "/messages", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: params.toString()
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { r: r, data: data }; });
    }).then(function (res) {
      var r = res.r, data = res.data;
      if (!r.ok) unsent();
      if (r.status === 401) { showError("Your session has ended. Sign in again: your consultation is saved.", true); return; }
      if (r.status === 503 || r.status >= 500) {
        showError(ENGINE_DOWN + " Your message has been kept: press Send to try again.", true);
        if (body.text) box.value = body.text;
        return;
      }
      if (!r.ok) { showError(data.detail || "Something went wrong. Try again.", true); pending = null; return; }
      pending = null;
      var last = [];
      (data.messages || []).forEach(function (m) { add("out", m.text); last = (m.buttons && m.buttons.length) ? m.buttons : last; });
      showButtons(last);
      if (data.needs_callback) document.getElementById("callback-notice").hidden = false;
      if (data.assessment && data.advice_html) { showAdvice(data.advice_html); }
      else if (last.length) { quickButtons.querySelector("button").focus(); }
      else { box.focus(); }
    }).catch(function () {
      unsent();
      showError(ENGINE_DOWN + " Check your connection, then press Send to try again.", true);
      if (body.text) box.value = body.text;
    }).then(function () { setBusy(false); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = box.value.trim();
    if (!text) { showError("Type your message, or choose one of the answers.", false); box.focus(); return; }
    box.value = "";
    send({ text: text }, text);
  });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  // The server-rendered quick replies are small forms: send them without a reload.
  Array.prototype.forEach.call(quick.querySelectorAll("form"), function (f) {
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var btn = f.querySelector("button");
      send({ payload: btn.dataset.payload }, btn.textContent.trim());
    });
  });
  log.scrollTop = log.scrollHeight;
})();
