/* The phone inspection form, offline-safe (CSP: no inline script; no library).
 *
 * Every entry is first written to IndexedDB on the phone, then sent to the API
 * (POST multipart, the same fields as the plain form). An entry leaves the phone only when
 * the server has stored it; a refused entry stays, marked "需修改" with the server's messages,
 * and can be loaded back into the form; a lost connection keeps the queue until the browser
 * reports it is online again (and every 30 s). Photos are resized to at most maxPhotoSide
 * pixels (JPEG) on a canvas before they are stored or sent.
 */
(function () {
  "use strict";

  var form = document.getElementById("inspect-form");
  if (!form) { return; }
  var config = JSON.parse(document.getElementById("inspect-config").textContent);
  var status = document.getElementById("sync-status");
  var queueBox = document.getElementById("queue");
  var queueList = document.getElementById("queue-list");
  var words = {};
  document.getElementById("messages").content.querySelectorAll("[data-key]").forEach(function (el) {
    words[el.dataset.key] = el.textContent;
  });
  var DB = "countyworks-courtyards";
  var STORE = "inspections";
  var sending = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function allEntries() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function putEntry(entry) { return withStore("readwrite", function (store) { store.put(entry); }); }
  function deleteEntry(key) { return withStore("readwrite", function (store) { store.delete(key); }); }

  function say(text) { status.hidden = false; status.textContent = text; }

  function newKey() {
    var random = (window.crypto && window.crypto.getRandomValues)
      ? Array.prototype.map.call(window.crypto.getRandomValues(new Uint32Array(2)), function (n) { return n.toString(36); }).join("")
      : Math.random().toString(36).slice(2);
    return "web-" + Date.now().toString(36) + "-" + random;
  }

  function householdLabel(id) {
    var option = form.querySelector('select[name="household"] option[value="' + id + '"]');
    return option ? option.textContent.replace(" ✓", "") : id;
  }

  function markDone(id) {
    var item = document.querySelector('#household-list [data-household="' + id + '"]');
    if (item) { item.className = "done"; item.querySelector(".state").textContent = words.done; }
    var option = form.querySelector('select[name="household"] option[value="' + id + '"]');
    if (option && option.textContent.indexOf("✓") < 0) { option.textContent += " ✓"; option.dataset.done = "1"; }
  }

  function decode(file) {
    /* A data: URL, not a blob: one: the platform's CSP allows images from 'self' and data: only. */
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () { resolve(img); };
        img.onerror = function () { reject(new Error("decode")); };
        img.src = reader.result;
      };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  function resize(file) {
    return decode(file).then(function (img) {
      var scale = Math.min(1, config.maxPhotoSide / Math.max(img.naturalWidth, img.naturalHeight));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (blob) { resolve(blob); } else { reject(new Error("encode")); }
        }, "image/jpeg", 0.82);
      });
    });
  }

  function readForm() {
    var entry = { key: form.elements.client_key.value || newKey(), fields: [], photos: [], errors: null, state: "pending" };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.name === "client_key") { return; }
      if (el.type === "checkbox") { if (el.checked) { entry.fields.push([el.name, el.value]); } return; }
      entry.fields.push([el.name, el.value]);
    });
    var item = form.elements.photo_items.value;
    var files = Array.prototype.slice.call(form.elements.photos.files || []);
    return files.reduce(function (chain, file) {
      return chain.then(function () {
        return resize(file).then(function (blob) {
          entry.photos.push({ blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg", item: item });
        }, function () {
          say(words.notImage + file.name);
        });
      });
    }, Promise.resolve()).then(function () { return entry; });
  }

  function field(entry, name) {
    var found = entry.fields.filter(function (pair) { return pair[0] === name; });
    return found.length ? found[0][1] : "";
  }

  function loadIntoForm(entry) {
    form.reset();
    form.elements.client_key.value = entry.key;
    entry.fields.forEach(function (pair) {
      var el = form.elements[pair[0]];
      if (!el) { return; }
      if (el.type === "checkbox") { el.checked = true; } else { el.value = pair[1]; }
    });
    form.querySelectorAll(".error[data-for]").forEach(function (el) { el.remove(); });
    Object.keys(entry.errors || {}).forEach(function (name) {
      var target = form.elements[name] || form.elements["item_" + name] || form.querySelector("button[type=submit]");
      (entry.errors[name] || []).forEach(function (message) {
        var p = document.createElement("p");
        p.className = "error";
        p.dataset.for = name;
        p.textContent = message;
        (target.closest ? target.closest(".item, label") || target : target).after(p);
      });
    });
    form.scrollIntoView();
  }

  function render() {
    return allEntries().then(function (entries) {
      queueList.textContent = "";
      queueBox.hidden = entries.length === 0;
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        li.dataset.key = entry.key;
        li.className = entry.state;
        var label = householdLabel(field(entry, "household")) + " · " + field(entry, "month") + " · ";
        li.appendChild(document.createTextNode(label + (entry.state === "rejected" ? words.rejected : words.pending)));
        if (entry.state === "rejected") {
          var messages = document.createElement("span");
          messages.className = "error";
          messages.textContent = " " + Object.keys(entry.errors || {}).map(function (k) { return entry.errors[k].join("；"); }).join("；");
          li.appendChild(messages);
          var edit = document.createElement("button");
          edit.type = "button";
          edit.textContent = words.edit;
          edit.addEventListener("click", function () { loadIntoForm(entry); });
          li.appendChild(edit);
        }
        queueList.appendChild(li);
      });
    });
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("client_key", entry.key);
    body.delete("photo_items");
    entry.photos.forEach(function (photo) {
      body.append("photos", photo.blob, photo.name);
      body.append("photo_items", photo.item);
    });
    return fetch(form.dataset.api, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) {
        return deleteEntry(entry.key).then(function () { markDone(field(entry, "household")); return "sent"; });
      }
      if (response.status === 400 || response.status === 403 || response.status === 404 || response.status === 422) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          entry.state = "rejected";
          entry.errors = data.errors || { all: [data.detail || String(response.status)] };
          return putEntry(entry).then(function () { return "rejected"; });
        });
      }
      throw new Error("server " + response.status);
    });
  }

  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return allEntries().then(function (entries) {
      var pending = entries.filter(function (e) { return e.state === "pending"; });
      return pending.reduce(function (chain, entry) {
        return chain.then(function () { return send(entry); }).then(function (outcome) {
          var who = householdLabel(field(entry, "household"));
          say((outcome === "sent" ? words.sent : words.rejected) + "：" + who);
        });
      }, Promise.resolve());
    }).catch(function () {
      say(words.failed);
    }).then(function () {
      sending = false;
      return render();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.elements.household.value) { say(words.pick); form.elements.household.focus(); return; }
    readForm().then(function (entry) {
      return putEntry(entry).then(function () {
        form.reset();
        form.elements.client_key.value = "";
        form.querySelectorAll(".error[data-for]").forEach(function (el) { el.remove(); });
        say(words.saved + "：" + householdLabel(field(entry, "household")));
        return render();
      });
    }).then(flush);
  });

  document.querySelectorAll("#household-list [data-household]").forEach(function (item) {
    item.addEventListener("click", function () {
      form.elements.household.value = item.dataset.household;
      form.scrollIntoView();
    });
  });

  window.addEventListener("online", function () { say(words.online); flush(); });
  window.addEventListener("offline", function () { say(words.offline); });
  if (!navigator.onLine) { say(words.offline); }
  window.setInterval(flush, 30000);
  render().then(flush);
})();
