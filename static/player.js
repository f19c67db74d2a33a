/* Tapedeck stream player.
 *
 * Replays a streamed answer chunk by chunk. Every chunk carries a *delta*: the ops it applied
 * to the assistant message (see app/playback_ops.py). One routine, applyOps, applies them; the
 * Python applier follows the same rules, and tests hold both to the decoded response.
 *
 * Data: each player embeds its data script (counts, one kind character per chunk, times). Chunks are
 * fetched in windows from the chunk API, each with the message as it stood before the window,
 * so any position opens with one request and the DOM stays bounded. A static export instead
 * inlines every chunk (the data's `inline`) and the same code runs with no server. Every
 * [data-player] section on a page gets its own player.
 */
(function () {
  "use strict";

  var BITS = { text: 1, reasoning: 2, args: 4, usage: 8, finish: 16, tool_start: 32, error: 64 };
  // Colour of a mark: its most telling kind first (usage rides along on many chunks).
  var PRIORITY = ["error", "tool_start", "finish", "args", "reasoning", "text", "usage"];
  var LABELS = {
    text: "text", reasoning: "reasoning", args: "tool arguments", usage: "usage",
    finish: "finish", tool_start: "tool call start", error: "error", other: "other"
  };
  var POSITION_STEP_MS = 40; // playback pace per chunk when no time was recorded
  var MAX_WINDOWS = 12;
  // A part's text beyond this is shown by its growing end only (the full answer is on the page
  // above): laying out 100 kB on every frame would stall a long stream's playback.
  var TAIL = 4000;

  // ---- the applier (mirrors app/playback_ops.apply) -------------------------------------
  var EMPTY = {
    text: function () { return { type: "text", text: "" }; },
    reasoning: function () { return { type: "reasoning", text: "", redacted: false }; },
    refusal: function () { return { type: "refusal", text: "" }; },
    call: function () {
      return { type: "tool_call", id: null, name: "", args: "", arguments: null,
               arguments_error: null, open: true };
    }
  };

  function slot(parts, p, kind) {
    var cur = parts.get(p);
    var want = kind === "call" ? "tool_call" : kind;
    if (!cur || cur.type !== want) { cur = EMPTY[kind](); parts.set(p, cur); }
    return cur;
  }

  function applyOps(state, ops) {
    var parts = state.parts;
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i], cur;
      switch (op.op) {
        case "text": case "reasoning": case "refusal":
          cur = slot(parts, op.p, op.op);
          cur.text += op.text;
          if ("redacted" in op) cur.redacted = op.redacted;
          break;
        case "call":
          cur = slot(parts, op.p, "call");
          if ("id" in op) cur.id = op.id;
          if ("name" in op) cur.name = op.name;
          break;
        case "args":
          cur = slot(parts, op.p, "call");
          if (!cur.open) { cur.open = true; cur.args = ""; }
          cur.args = op.replace ? op.text : cur.args + op.text;
          break;
        case "part": parts.set(op.p, Object.assign({}, op.part)); break;
        case "remove": parts.delete(op.p); break;
        case "usage":
          state.usage_raw = op.raw;
          if ("usage" in op) state.usage = op.usage;
          break;
        case "finish": state.finish = op.reason; state.finish_raw = op.raw; break;
        case "error": state.error = { type: op.type, message: op.message }; break;
        default: break;
      }
    }
    return state;
  }

  function newState() {
    return { parts: new Map(), usage: null, usage_raw: null, finish: null, finish_raw: null,
             error: null };
  }

  function cloneState(s) {
    var parts = new Map();
    s.parts.forEach(function (v, k) { parts.set(k, Object.assign({}, v)); });
    return { parts: parts, usage: s.usage, usage_raw: s.usage_raw, finish: s.finish,
             finish_raw: s.finish_raw, error: s.error };
  }

  function stateFromJson(j) {
    var s = newState();
    j.parts.forEach(function (pair) { s.parts.set(pair[0], pair[1]); });
    s.usage = j.usage; s.usage_raw = j.usage_raw; s.finish = j.finish;
    s.finish_raw = j.finish_raw; s.error = j.error;
    return s;
  }

  /* The message in contract JSON, parts in slot order (mirrors message_parts). */
  function messageParts(state) {
    var keys = Array.from(state.parts.keys()).sort(function (a, b) { return a - b; });
    return keys.map(function (k) {
      var v = state.parts.get(k);
      if (!v.open) return v;
      var out = Object.assign({}, v, { arguments: v.args });
      delete out.open; delete out.args;
      return out;
    });
  }

  // ---- chunk sources ---------------------------------------------------------------------
  function ApiSource(url, size) {
    this.url = url; this.size = size; this.windows = new Map();
  }
  ApiSource.prototype.window = function (w) {
    var hit = this.windows.get(w);
    if (hit) { this.windows.delete(w); this.windows.set(w, hit); return hit; }
    var size = this.size;
    var promise = fetch(this.url + "?offset=" + (w * size) + "&limit=" + size, {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) throw new Error("chunk window " + w + ": HTTP " + r.status);
      return r.json();
    }).then(function (j) {
      return { offset: j.offset, rows: j.chunks, before: stateFromJson(j.before) };
    });
    var self = this;
    promise.catch(function () { self.windows.delete(w); });
    this.windows.set(w, promise);
    while (this.windows.size > MAX_WINDOWS) this.windows.delete(this.windows.keys().next().value);
    return promise;
  };

  /* Every chunk in the page: window states are computed once, in order, and kept. */
  function InlineSource(rows, size) {
    this.rows = rows; this.size = size; this.befores = [newState()];
  }
  InlineSource.prototype.window = function (w) {
    while (this.befores.length <= w) {
      var k = this.befores.length - 1, s = cloneState(this.befores[k]);
      var end = Math.min(this.rows.length, (k + 1) * this.size);
      for (var i = k * this.size; i < end; i++) applyOps(s, this.rows[i].delta);
      this.befores.push(s);
    }
    var start = w * this.size;
    return Promise.resolve({ offset: start, rows: this.rows.slice(start, start + this.size),
                             before: this.befores[w] });
  };

  // ---- small helpers ---------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function primaryKind(mask) {
    for (var i = 0; i < PRIORITY.length; i++) if (mask & BITS[PRIORITY[i]]) return PRIORITY[i];
    return "other";
  }
  function fmtMs(ms) {
    if (ms === null || ms === undefined) return "";
    return ms >= 1000 ? (ms / 1000).toFixed(ms >= 10000 ? 1 : 2) + " s" : Math.round(ms) + " ms";
  }
  function pretty(text, limit) {
    var out = text;
    try { out = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
    return out.length > limit ? out.slice(0, limit) + "\n… (" + out.length + " characters)" : out;
  }
  function tailText(box, text) {
    if (text.length > TAIL) {
      box.appendChild(el("div", "muted small", "… " + (text.length - TAIL).toLocaleString("en") +
        " earlier characters not shown here"));
      text = text.slice(text.length - TAIL);
    }
    box.appendChild(el("div", "pl-text", text));
  }
  function n(x) { return x === null || x === undefined ? "—" : Number(x).toLocaleString("en"); }

  // ---- the player ------------------------------------------------------------------------
  function Player(root) {
    this.root = root;
    // A page may hold several players (the single-file export); each one's ids, and so its
    // chunk links, start with what precedes "player" in its own id ("" on a dashboard page).
    this.prefix = root.id.slice(0, root.id.length - "player".length);
    this.data = JSON.parse(root.querySelector("script[data-player-data]").textContent);
    this.total = this.data.total;
    this.size = this.data.window;
    this.masks = new Uint8Array(this.total);
    this.primary = new Array(this.total);
    for (var i = 0; i < this.total; i++) {
      this.masks[i] = this.data.kinds.charCodeAt(i) - 48;
      this.primary[i] = primaryKind(this.masks[i]);
    }
    this.source = this.data.inline
      ? new InlineSource(this.data.inline, this.size)
      : new ApiSource(root.getAttribute("data-chunks-url"), this.size);
    this.times = this.buildTimes();
    this.pos = 0;            // chunks applied
    this.state = newState(); // the message after `pos` chunks
    this.statePos = 0;
    this.token = 0;
    this.playing = false;
    this.speed = 1;
    this.kind = "text";
    this.q = function (sel) { return root.querySelector(sel); };
    this.ui();
  }

  /* Offsets used for placing marks and pacing playback; null basis means position only. */
  Player.prototype.buildTimes = function () {
    var d = this.data, t = new Float64Array(this.total), i;
    if (d.time_basis === "recorded") {
      for (i = 0; i < this.total; i++) t[i] = d.offsets_ms[i];
    } else if (d.time_basis === "estimated") {
      for (i = 0; i < this.total; i++) t[i] = d.duration_ms * (i + 1) / this.total;
    } else {
      for (i = 0; i < this.total; i++) t[i] = i * POSITION_STEP_MS;
    }
    return t;
  };

  Player.prototype.ui = function () {
    var self = this, root = this.root;
    this.msg = this.q("[data-message]");
    this.meta = this.q("[data-meta]");
    this.aside = this.q("[data-chunk]");
    this.scrub = this.q("[data-scrubber]");
    this.out = this.q("[data-position]");
    this.playBtn = this.q('[data-act="play"]');
    this.strip = this.q("[data-strip]");
    this.cursor = this.q("[data-cursor]");
    this.tip = this.q("[data-tip]");
    this.scrub.max = String(this.total);
    root.addEventListener("click", function (ev) {
      var b = ev.target instanceof Element ? ev.target.closest("[data-act]") : null;
      if (b) { ev.preventDefault(); self.act(b.getAttribute("data-act")); }
    });
    this.scrub.addEventListener("input", function () {
      self.pause(); self.goto(Number(self.scrub.value));
    });
    this.q("[data-speed]").addEventListener("change", function (ev) {
      self.speed = Number(ev.target.value); self.clock = self.timeAt(self.pos);
    });
    this.q("[data-kind]").addEventListener("change", function (ev) { self.kind = ev.target.value; });
    root.addEventListener("keydown", function (ev) { self.key(ev); });
    this.stripEvents();
    this.legend();
    window.addEventListener("resize", function () { self.draw(); });
    window.addEventListener("hashchange", function () {
      var c = self.linked();
      if (c !== null) self.goto(c + 1, true);
    });
    root.querySelectorAll("[data-js]").forEach(function (e) { e.hidden = false; });
    root.querySelectorAll("[data-nojs]").forEach(function (e) { e.hidden = true; });
    this.draw();
    var start = this.linked();
    if (start !== null) {
      this.goto(start + 1, true).then(function () {
        root.scrollIntoView({ block: "start" });
        self.strip.focus({ preventScroll: true });
      });
    } else {
      this.goto(0, true);
    }
    root.setAttribute("data-ready", "true");
  };

  /* The chunk a link names: #c-N (with this player's prefix) or, for a page's only player, ?chunk=N. */
  Player.prototype.linked = function () {
    var hash = location.hash.slice(1), head = this.prefix + "c-";
    var v = hash.slice(0, head.length) === head && /^\d+$/.test(hash.slice(head.length))
      ? hash.slice(head.length)
      : (this.prefix ? null : new URLSearchParams(location.search).get("chunk"));
    if (v === null || v === "" || isNaN(Number(v))) return null;
    return Math.max(0, Math.min(this.total - 1, Number(v)));
  };

  Player.prototype.act = function (name) {
    switch (name) {
      case "play": if (this.playing) this.pause(); else this.play(); break;
      case "back": this.pause(); this.goto(this.pos - 1); break;
      case "fwd": this.pause(); this.goto(this.pos + 1); break;
      case "start": this.pause(); this.goto(0); break;
      case "end": this.pause(); this.goto(this.total); break;
      case "next-kind": this.pause(); this.jump(1); break;
      case "prev-kind": this.pause(); this.jump(-1); break;
      default: break;
    }
  };

  Player.prototype.key = function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && t.tagName === "SELECT") return;
    var handled = true;
    switch (ev.key) {
      case " ": this.act("play"); break;
      case "ArrowLeft": this.act(ev.shiftKey ? "prev-kind" : "back"); break;
      case "ArrowRight": this.act(ev.shiftKey ? "next-kind" : "fwd"); break;
      case "Home": this.act("start"); break;
      case "End": this.act("end"); break;
      default: handled = false;
    }
    if (handled) { ev.preventDefault(); ev.stopPropagation(); }
  };

  /* The next (dir 1) or previous chunk of the chosen kind, from the embedded masks alone. */
  Player.prototype.jump = function (dir) {
    var bit = BITS[this.kind], i = this.pos - 1 + dir;
    while (i >= 0 && i < this.total && !(this.masks[i] & bit)) i += dir;
    if (i >= 0 && i < this.total) this.goto(i + 1);
    else this.say("No " + (dir > 0 ? "later " : "earlier ") + LABELS[this.kind] + " chunk");
  };

  Player.prototype.say = function (text) {
    var live = this.q("[data-live]");
    if (live) live.textContent = text;
  };

  Player.prototype.timeAt = function (pos) { return pos > 0 ? this.times[pos - 1] : 0; };

  Player.prototype.play = function () {
    var self = this;
    if (this.pos >= this.total) this.goto(0);
    this.playing = true;
    this.playBtn.setAttribute("aria-pressed", "true");
    this.playBtn.setAttribute("aria-label", "Pause");
    this.playBtn.textContent = "❚❚";
    this.clock = this.timeAt(this.pos);
    this.last = performance.now();
    var busy = false, run = this.runs = (this.runs || 0) + 1;
    function frame(now) {
      if (!self.playing || run !== self.runs) return; // paused, or a newer play() took over
      self.clock += (now - self.last) * self.speed;
      self.last = now;
      if (!busy) {
        var target = self.pos;
        while (target < self.total && self.times[target] <= self.clock) target++;
        if (target === self.pos && self.pos < self.total && self.times[self.pos] - self.clock > 2000) {
          // a long recorded silence: keep the clock honest but say what it waits for
          self.waiting = true;
          self.say("waiting " + fmtMs((self.times[self.pos] - self.clock) / self.speed) +
                   " for the next chunk");
        }
        if (target !== self.pos) {
          if (self.waiting) { self.waiting = false; self.say(""); }
          busy = true;
          self.goto(target).then(function () { busy = false; });
        }
        if (self.pos >= self.total && target >= self.total) { self.pause(); return; }
      }
      requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  };

  Player.prototype.pause = function () {
    if (!this.playing) return;
    this.playing = false;
    this.playBtn.setAttribute("aria-pressed", "false");
    this.playBtn.setAttribute("aria-label", "Play");
    this.playBtn.textContent = "▶";
  };

  /* Move to `pos` chunks applied. Moving forward by up to a window applies the chunks in
   * between to the current state; anything else starts from the window's `before` state.
   * Calls may overlap (scrubbing): the latest one wins. */
  Player.prototype.goto = function (pos, quietUrl) {
    var self = this, size = this.size;
    pos = Math.max(0, Math.min(this.total, pos | 0));
    var token = ++this.token;
    this.pos = pos;
    this.showPosition(pos);
    if (!quietUrl) this.remember(pos);
    var from = this.statePos;
    var incremental = pos >= from && pos - from <= size;
    var lastW = Math.floor(Math.max(pos - 1, 0) / size);
    var firstW = incremental && from < pos ? Math.floor(from / size) : lastW;
    var needed = [];
    for (var k = firstW; k <= lastW; k++) needed.push(k);
    if ((lastW + 1) * size < this.total && pos % size > size - 100) this.source.window(lastW + 1);
    return Promise.all(needed.map(function (k) { return self.source.window(k); })).then(function (wins) {
      if (token !== self.token) return;
      function row(i) { var win = wins[Math.floor(i / size) - firstW]; return win.rows[i - win.offset]; }
      var i;
      if (incremental) {
        for (i = from; i < pos; i++) applyOps(self.state, row(i).delta);
      } else {
        self.state = cloneState(wins[0].before);
        for (i = wins[0].offset; i < pos; i++) applyOps(self.state, row(i).delta);
      }
      self.statePos = pos;
      self.render(pos > 0 ? row(pos - 1) : null);
    }).catch(function (err) {
      if (token === self.token) self.say("Could not load chunks: " + err.message);
    });
  };

  Player.prototype.remember = function (pos) {
    var self = this, before = location.hash;
    clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(function () {
      // A link followed meanwhile (the reader moved on) keeps its own address.
      if (location.hash !== before) return;
      var url = new URL(location.href);
      url.hash = pos > 0 ? self.prefix + "c-" + (pos - 1) : self.root.id;
      url.searchParams.delete("chunk");
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    }, self.playing ? 400 : 80);
  };

  Player.prototype.showPosition = function (pos) {
    this.scrub.value = String(pos);
    var basis = this.data.time_basis, label;
    if (pos === 0) label = "before the first chunk";
    else {
      label = "chunk " + pos.toLocaleString("en") + " of " + this.total.toLocaleString("en");
      if (basis === "recorded") label += " · t = " + fmtMs(this.times[pos - 1]) + " (recorded)";
      else if (basis === "estimated") label += " · t ≈ " + fmtMs(this.times[pos - 1]) + " (estimated)";
    }
    this.out.textContent = label;
    this.scrub.setAttribute("aria-valuetext", label);
    var x = pos === 0 ? 0 : this.xOf(pos - 1);
    this.cursor.style.transform = "translateX(" + x + "px)";
  };

  // ---- rendering the message ---------------------------------------------------------------
  Player.prototype.render = function (row) {
    var parts = messageParts(this.state), touched = new Set();
    if (row) row.delta.forEach(function (op) { if ("p" in op) touched.add(op.p); });
    var keys = Array.from(this.state.parts.keys()).sort(function (a, b) { return a - b; });
    var frag = document.createDocumentFragment(), row_ = null;
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i], node = this.partNode(p, keys[i]);
      if (touched.has(keys[i])) node.classList.add("changed");
      if (p.type === "tool_call") {
        if (!row_) { row_ = el("div", "pl-calls"); frag.appendChild(row_); }
        row_.appendChild(node);
      } else {
        row_ = null;
        frag.appendChild(node);
      }
    }
    if (!parts.length) frag.appendChild(el("p", "muted", this.pos ? "(nothing visible yet)" : "Press play, or step forward."));
    this.msg.replaceChildren(frag);
    this.follow();
    this.renderMeta();
    this.renderChunk(row);
    this.root.setAttribute("data-rendered", String(this.pos)); // for tests and benchmarks
    if (!this.framed) { this.framed = true; performance.mark("player-first-frame"); }
  };

  /* Keep the part the chunk changed in view inside the message box (not the page). */
  Player.prototype.follow = function () {
    var node = this.msg.querySelector(".changed");
    if (!node) return;
    var bottom = node.offsetTop + node.offsetHeight, box = this.msg;
    if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight;
    else if (node.offsetTop < box.scrollTop) box.scrollTop = node.offsetTop;
  };

  // The same rule as the pages' media macro: only inline data of a safe type is drawn or played
  // (the server keeps it only under its size cap); anything else is named with its size.
  var SAFE_MEDIA = {
    image: /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+\/=]+$/,
    audio: /^data:audio\/(wav|mpeg|ogg|webm|flac|aac|mp4);base64,[A-Za-z0-9+\/=]+$/
  };

  function mediaNode(box, p) {
    var safe = SAFE_MEDIA[p.type], src = p.data_url;
    if (safe && src && safe.test(src)) {
      var media = el(p.type === "image" ? "img" : "audio");
      if (p.type === "audio") media.controls = true;
      else media.alt = "Image from the conversation";
      media.src = src;
      box.appendChild(media);
      return;
    }
    box.appendChild(el("span", "badge", p.type));
    var size = p.inline_bytes != null ? " of " + Math.ceil(p.inline_bytes / 1024) + " KB not shown" : "";
    box.appendChild(el("span", "small muted", " " + (p.media_type || "") + size));
  }

  Player.prototype.partNode = function (p, key) {
    var box = el("div", "pl-part pl-" + p.type);
    box.setAttribute("data-slot", String(key));
    if (p.type === "text" || p.type === "refusal") {
      if (p.type === "refusal") box.appendChild(el("span", "badge", "refusal"));
      tailText(box, p.text);
    } else if (p.type === "reasoning") {
      box.appendChild(el("span", "badge", p.redacted ? "reasoning (redacted)" : "reasoning"));
      tailText(box, p.text);
    } else if (p.type === "tool_call") {
      var head = el("div", "pl-call-head");
      head.appendChild(el("span", "badge tool", "tool call"));
      head.appendChild(el("strong", "mono", p.name || "…"));
      if (p.id) head.appendChild(el("span", "muted mono small", p.id));
      var live = this.state.parts.get(key), partial = !!(live && live.open);
      head.appendChild(el("span", "pl-status small", partial ? "arguments streaming…" : "complete"));
      box.appendChild(head);
      var pre = el("pre", "pl-args code" + (partial ? " partial" : ""));
      pre.textContent = partial ? p.arguments : (typeof p.arguments === "string" ? p.arguments : JSON.stringify(p.arguments, null, 2));
      box.appendChild(pre);
      if (!partial && p.arguments_error) box.appendChild(el("p", "small warn", p.arguments_error));
    } else if (p.type === "citation") {
      box.appendChild(el("span", "badge", "source"));
      box.appendChild(el("span", "small", " " + (p.title || p.url || "") + (p.text ? " “" + p.text + "”" : "")));
    } else if (p.type === "tool_result") {
      box.appendChild(el("span", "badge", "tool result" + (p.is_error ? " (error)" : "")));
      box.appendChild(el("div", "pl-text", p.content));
    } else if (p.type === "image" || p.type === "audio" || p.type === "file") {
      mediaNode(box, p);
    } else {
      box.appendChild(el("span", "badge", p.type));
      box.appendChild(el("pre", "code small", JSON.stringify(p, null, 2)));
    }
    return box;
  };

  Player.prototype.renderMeta = function () {
    var s = this.state, frag = document.createDocumentFragment();
    if (s.usage || s.usage_raw) {
      var u = el("p", "pl-usage");
      u.appendChild(el("span", "badge", "usage"));
      if (s.usage) {
        u.appendChild(document.createTextNode(" input " + n(s.usage.input_tokens) + " · output " +
          n(s.usage.output_tokens) + (s.usage.reasoning_tokens ? " (" + n(s.usage.reasoning_tokens) + " reasoning)" : "") +
          " · total " + n(s.usage.total_tokens)));
      } else {
        u.appendChild(document.createTextNode(" " + JSON.stringify(s.usage_raw)));
      }
      frag.appendChild(u);
    }
    if (s.finish || s.finish_raw) {
      var f = el("p", "pl-finish");
      f.appendChild(el("span", "badge", "finish"));
      f.appendChild(document.createTextNode(" " + (s.finish || "other") + (s.finish_raw && s.finish_raw !== s.finish ? " (" + s.finish_raw + ")" : "")));
      frag.appendChild(f);
    }
    if (s.error) {
      var e = el("p", "pl-error banner err");
      e.setAttribute("role", "alert");
      e.appendChild(el("strong", "", s.error.type + " "));
      e.appendChild(document.createTextNode(s.error.message));
      frag.appendChild(e);
    }
    this.meta.replaceChildren(frag);
  };

  Player.prototype.renderChunk = function (row) {
    var a = this.aside;
    if (!row) { a.replaceChildren(el("p", "muted", "No chunk selected.")); return; }
    var frag = document.createDocumentFragment();
    var h = el("h3", "", "Chunk " + (row.seq + 1) + " of " + this.total);
    frag.appendChild(h);
    var dl = el("dl", "pl-facts");
    function fact(k, v) { dl.appendChild(el("dt", "", k)); dl.appendChild(el("dd", "mono", v)); }
    fact("event", row.event || "—");
    fact("kind", LABELS[primaryKind(this.masks[row.seq])] + " (decoder: " + row.kind + ")");
    if (row.t_ms !== null) fact("time", fmtMs(row.t_ms) + " recorded");
    else if (row.t_estimated_ms !== null) fact("time", "≈ " + fmtMs(row.t_estimated_ms) + " estimated");
    else fact("time", "not recorded");
    frag.appendChild(dl);
    var link = el("a", "small", "Link to this chunk");
    link.href = "#" + this.prefix + "c-" + row.seq;
    link.setAttribute("data-copy-link", "");
    frag.appendChild(link);
    frag.appendChild(el("h4", "", "Payload"));
    frag.appendChild(el("pre", "code small pl-raw", pretty(row.data, 4000)));
    frag.appendChild(el("h4", "", "What it changed"));
    frag.appendChild(el("pre", "code small pl-delta", row.delta.length ? row.delta.map(this.describe, this).join("\n") : "nothing visible"));
    a.replaceChildren(frag);
  };

  /* One change a chunk made, in the reader's words: which part of the message (by its place,
     when there are several) and what happened; never the decoder's internal slot numbers. */
  Player.prototype.describe = function (op) {
    var keys = Array.from(this.state.parts.keys()).sort(function (a, b) { return a - b; });
    var part = this.state.parts.get(op.p);
    var at = keys.length > 1 && keys.indexOf(op.p) >= 0 ? " (part " + (keys.indexOf(op.p) + 1) + " of " + keys.length + ")" : "";
    var name = part && part.name ? " " + part.name : "";
    switch (op.op) {
      case "text": case "reasoning": case "refusal":
        return op.op + at + " += " + JSON.stringify(op.text);
      case "call": return (op.new ? "tool call starts" : "tool call") + at +
        (op.name ? " " + op.name : name) + (op.id ? " (" + op.id + ")" : "");
      case "args": return "arguments of" + (name || " the tool call") + at + (op.replace ? " = " : " += ") + JSON.stringify(op.text);
      case "part": return op.part.type.replace("_", " ") + at + (op.part.type === "tool_call" ? " (complete)" : "") + " added";
      case "remove": return "a part removed";
      case "usage": return "usage " + JSON.stringify(op.usage ? {input: op.usage.input_tokens, output: op.usage.output_tokens} : op.raw);
      case "finish": return "finish " + op.reason + (op.raw ? " (" + op.raw + ")" : "");
      case "error": return "error " + op.type + ": " + op.message;
      default: return op.op;
    }
  };

  // ---- the timeline strip ---------------------------------------------------------------
  /* Fraction of the strip's width at which chunk i sits. */
  Player.prototype.frac = function (i) {
    if (this.data.time_basis === "position") return this.total > 1 ? i / (this.total - 1) : 0;
    return this.times[i] / (this.times[this.total - 1] || 1);
  };

  /* Marks are `bar` px wide (wider when there are few chunks) and stay inside the strip. */
  Player.prototype.barWidth = function (w) {
    return Math.max(1, Math.min(8, Math.floor(w / Math.max(1, this.total) / 2)));
  };

  Player.prototype.xOf = function (i) {
    var w = this.strip.clientWidth || 1;
    return Math.round(this.frac(i) * (w - this.barWidth(w)));
  };

  Player.prototype.indexAt = function (x) {
    var w = this.strip.clientWidth || 1, last = this.times[this.total - 1] || 1;
    var bar = this.barWidth(w);
    var f = Math.max(0, Math.min(1, (x - bar / 2) / Math.max(1, w - bar)));
    if (this.data.time_basis === "position") return Math.round(f * (this.total - 1));
    var t = f * last, lo = 0, hi = this.total - 1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (this.times[mid] < t) lo = mid + 1; else hi = mid; }
    if (lo > 0 && t - this.times[lo - 1] < this.times[lo] - t) lo--;
    return lo;
  };

  Player.prototype.draw = function () {
    var c = this.strip, ratio = window.devicePixelRatio || 1;
    var w = c.clientWidth, h = c.clientHeight;
    if (!w || !h) return;
    c.width = Math.round(w * ratio); c.height = Math.round(h * ratio);
    var g = c.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var css = getComputedStyle(this.root);
    var bar = this.barWidth(w);
    var order = ["other"].concat(PRIORITY.slice().reverse());
    // Important kinds are drawn last so a rare error or call start is never hidden.
    for (var pass = 0; pass < order.length; pass++) {
      var kind = order[pass];
      g.fillStyle = css.getPropertyValue("--pl-" + kind.replace("_", "-")).trim() || "#888";
      var tall = kind === "other" || kind === "usage" ? h * 0.45 : h;
      for (var i = 0; i < this.total; i++) {
        if (this.primary[i] !== kind) continue;
        g.fillRect(Math.round(this.frac(i) * (w - bar)), h - tall, bar, tall);
      }
    }
    this.showPosition(this.pos);
  };

  Player.prototype.stripEvents = function () {
    var self = this, strip = this.strip;
    function at(ev) { return self.indexAt(ev.clientX - strip.getBoundingClientRect().left); }
    strip.addEventListener("mousemove", function (ev) { self.tipFor(at(ev), ev.clientX); });
    strip.addEventListener("mouseleave", function () { self.tip.hidden = true; });
    strip.addEventListener("click", function (ev) { self.pause(); self.goto(at(ev) + 1); });
    strip.addEventListener("focus", function () {
      if (self.pos > 0) self.tipFor(self.pos - 1, null);
    });
    strip.addEventListener("blur", function () { self.tip.hidden = true; });
  };

  /* Event name and payload of chunk i under the pointer (or the current one on focus). */
  Player.prototype.tipFor = function (i, clientX) {
    var self = this, tip = this.tip;
    var rect = this.strip.getBoundingClientRect();
    var x = clientX === null ? rect.left + this.xOf(i) : clientX;
    tip.hidden = false;
    tip.style.left = Math.max(0, Math.min(rect.width - 260, x - rect.left - 130)) + "px";
    var head = "chunk " + (i + 1) + " of " + this.total + " · " + LABELS[primaryKind(this.masks[i])];
    tip.textContent = head + " · loading…";
    this.tipIndex = i;
    this.source.window(Math.floor(i / this.size)).then(function (win) {
      if (self.tipIndex !== i) return;
      var row = win.rows[i - win.offset];
      tip.textContent = head + (row.event ? " · " + row.event : "") + "\n" +
        (row.data.length > 300 ? row.data.slice(0, 300) + "…" : row.data);
    }).catch(function () { tip.textContent = head; });
  };

  Player.prototype.legend = function () {
    var counts = {}, ul = this.q("[data-legend]");
    for (var i = 0; i < this.total; i++) counts[this.primary[i]] = (counts[this.primary[i]] || 0) + 1;
    PRIORITY.concat(["other"]).forEach(function (k) {
      if (!counts[k]) return;
      var li = el("li", "pl-key pl-k-" + k.replace("_", "-"));
      li.appendChild(el("span", "swatch"));
      li.appendChild(document.createTextNode(LABELS[k] + " " + counts[k].toLocaleString("en")));
      ul.appendChild(li);
    });
  };

  function start() {
    var players = [], roots = document.querySelectorAll("[data-player]");
    if (!roots.length) return;
    performance.mark("player-start");
    roots.forEach(function (root) {
      if (root.querySelector("script[data-player-data]")) players.push(new Player(root));
    });
    if (!players.length) return;
    document.querySelectorAll("[data-player-keys]").forEach(function (e) { e.hidden = false; });
    // Space plays the player on screen instead of scrolling the page, unless focus is in a
    // field or on a control that space presses.
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== " " || ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target instanceof Element ? ev.target : null;
      if (t && t.closest("input, textarea, select, button, summary, [contenteditable], dialog[open]")) return;
      var shown = players.filter(function (pl) {
        var r = pl.root.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      });
      if (!shown.length) return;
      ev.preventDefault();
      shown[0].act("play");
    });
    window.tapedeckPlayer = { player: players[0], players: players, applyOps: applyOps,
                              newState: newState, messageParts: messageParts };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
