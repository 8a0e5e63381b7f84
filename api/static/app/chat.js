// Progressive enhancement of the chat: send without reloading, show replies in the
// live region, turn buttons into quick replies, show the advice when it arrives.
(function () {
  const form = document.getElementById("message-form");
  if (!form) return;
  const cid = form.dataset.consultation;
  const csrf = form.dataset.csrf;
  const log = document.getElementById("transcript");
  const quick = document.getElementById("quick-replies");
  const advice = document.getElementById("advice");
  const error = document.getElementById("chat-error");
  const box = document.getElementById("message");

  function add(direction, text) {
    const div = document.createElement("div");
    div.className = "app-msg app-msg--" + direction;
    const who = document.createElement("span");
    who.className = "govuk-visually-hidden";
    who.textContent = direction === "in" ? "You said: " : "Assistant: ";
    div.appendChild(who);
    div.appendChild(document.createTextNode(text));
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function buttons(list) {
    quick.innerHTML = "";
    (list || []).forEach(function (b) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "govuk-button govuk-button--secondary";
      btn.textContent = b.title;
      btn.dataset.payload = b.payload;
      btn.addEventListener("click", function () { send({ payload: b.payload }, b.title); });
      quick.appendChild(btn);
    });
  }

  function showAdvice(a) {
    const urgent = a.recommendation === "emergency_999" || a.recommendation === "mash_referral";
    const titles = { hold_case: "Hold the case in your own service", early_help_assessment: "Early help assessment, with consent",
      mash_referral: "Refer to the MASH now", emergency_999: "Phone 999 now, then the MASH" };
    advice.innerHTML = "";
    const panel = document.createElement("div");
    panel.className = "govuk-panel " + (urgent ? "app-panel--urgent" : "govuk-panel--confirmation");
    const h = document.createElement("h2"); h.className = "govuk-panel__title"; h.textContent = titles[a.recommendation] || a.recommendation;
    const p = document.createElement("div"); p.className = "govuk-panel__body";
    p.textContent = "Level " + a.level + (a.needs_human_review ? ": an advisor will review this" : "");
    panel.appendChild(h); panel.appendChild(p); advice.appendChild(panel);
    advice.hidden = false;
    advice.focus();
  }

  let busy = false;
  async function send(body, shown) {
    if (busy) return;
    busy = true;
    error.hidden = true;
    add("in", shown);
    const key = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
    try {
      const r = await fetch("/web/consultations/" + cid + "/messages", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json", "X-CSRF-Token": csrf },
        body: new URLSearchParams(Object.assign({ key: key }, body)),
      });
      const data = await r.json();
      if (!r.ok) throw new Error(data.detail || "Something went wrong.");
      let last = [];
      data.messages.forEach(function (m) { add("out", m.text); last = m.buttons || last; });
      buttons(data.assessment ? [] : last);
      if (data.assessment) showAdvice(data.assessment);
    } catch (e) {
      error.textContent = (e && e.message) || "The assistant is not available right now. If a child is in immediate danger, phone 999.";
      error.hidden = false;
    } finally {
      busy = false;
      box.focus();
    }
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const text = box.value.trim();
    if (!text) { error.textContent = "Type a message first."; error.hidden = false; return; }
    box.value = "";
    send({ text: text }, text);
  });
  quick.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      const btn = f.querySelector("button");
      send({ payload: btn.dataset.payload }, btn.textContent);
    });
  });
})();
