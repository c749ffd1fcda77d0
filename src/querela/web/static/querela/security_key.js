// Security keys and passkeys (WebAuthn) on the two-step sign-in pages.
//
// A form marked data-security-key="get" (sign in) or "create" (register a key) is hidden until this
// script finds a browser that has WebAuthn; without it, the page offers the app's code alone. Its button
// asks the server for the options (the form's own fields go with it: the CSRF token, a key's name, the
// password where one is asked), hands them to the browser's authenticator, and sends the form with the
// authenticator's answer in its hidden "credential" field. The server checks everything; the messages
// shown here come translated in the form's data-* attributes.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) { return; }

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) { return Object.assign({}, d, {id: toBytes(d.id)}); });
  }

  function creationOptions(o) {
    return Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      user: Object.assign({}, o.user, {id: toBytes(o.user.id)}),
      excludeCredentials: descriptors(o.excludeCredentials)
    });
  }

  function requestOptions(o) {
    return Object.assign({}, o, {challenge: toBytes(o.challenge), allowCredentials: descriptors(o.allowCredentials)});
  }

  function answer(credential) {
    var r = credential.response, response = {clientDataJSON: toText(r.clientDataJSON)};
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = toText(r.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || null
    });
  }

  function start(form) {
    var kind = form.getAttribute("data-security-key");
    var button = form.querySelector("button[data-start]");
    var status = form.querySelector("[data-key-status]");
    function say(text, isError) {
      status.textContent = text;
      status.className = isError ? "flag" : "muted";
    }
    form.hidden = false;
    if (form.hasAttribute("data-focus")) { button.focus(); }
    // Enter in the key's name or the password starts the ceremony, as the button does: the form itself
    // is sent only with the key's answer in it. (A form of two fields and no submit button is never
    // submitted by Enter, hence the key handler as well as the submit one.)
    form.addEventListener("submit", function (event) {
      if (!form.querySelector("input[name=credential]").value) {
        event.preventDefault();
        if (!button.disabled) { button.click(); }
      }
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        if (!button.disabled) { button.click(); }
      }
    });
    button.addEventListener("click", function () {
      if (!form.reportValidity()) { return; }
      button.disabled = true;
      say(form.getAttribute("data-waiting"), false);
      fetch(form.getAttribute("data-options-url"), {
        method: "POST", body: new FormData(form), credentials: "same-origin", headers: {"Accept": "application/json"}
      }).then(function (reply) {
        return reply.json().then(function (body) {
          if (!reply.ok) { throw new Error(body.error || form.getAttribute("data-failed")); }
          return body.publicKey;
        });
      }).then(function (options) {
        return kind === "create"
          ? navigator.credentials.create({publicKey: creationOptions(options)})
          : navigator.credentials.get({publicKey: requestOptions(options)});
      }).then(function (credential) {
        form.querySelector("input[name=credential]").value = answer(credential);
        say(form.getAttribute("data-checking"), false);
        form.submit();
      }).catch(function (error) {
        button.disabled = false;
        button.focus();  // a keyboard user tries again from here, not from the top of the page
        // The browser's own messages are not for people: ours for the cases a person can act on.
        var name = error && error.name, text = form.getAttribute("data-failed");
        if (name === "Error" && error.message) { text = error.message; }  // the server's, translated
        else if (name === "InvalidStateError") { text = form.getAttribute("data-known"); }
        else if (name === "SecurityError") { text = form.getAttribute("data-address"); }
        say(text, true);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-security-key]"), start);
    Array.prototype.forEach.call(document.querySelectorAll("[data-no-security-key]"), function (n) { n.hidden = true; });
  });
})();
