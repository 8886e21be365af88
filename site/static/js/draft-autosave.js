// Saves a plan draft to the server a few seconds after typing stops, and warns
// before leaving the page with unsaved changes. The form works without it.
(function () {
    "use strict";
    var form = document.querySelector("form[data-autosave]");
    if (!form || !window.fetch || !window.FormData) {
        return;
    }
    var status = form.querySelector(".autosave-status");
    var dirty = false;
    var timer = null;
    var submitting = false;

    function say(text) {
        if (status) {
            status.textContent = text;
        }
    }

    function save() {
        var data = new FormData(form);
        data.append("autosave", "1");
        say("Saving draft…");
        return fetch(form.action, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: {"X-Requested-With": "fetch"}
        }).then(function (response) {
            return response.json().then(function (body) {
                if (!response.ok || !body.saved) {
                    say(body.errors && body.errors.title ? "Add a title so your draft can be saved." : "Not saved yet: check the form for errors, then press Save draft.");
                    return;
                }
                dirty = false;
                if (body.edit_url && form.getAttribute("action") !== body.edit_url) {
                    form.setAttribute("action", body.edit_url);
                    window.history.replaceState(null, "", body.edit_url);
                }
                var now = new Date();
                say("Draft saved at " + now.toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit"}) + ".");
            });
        }).catch(function () {
            say("Could not reach the server; your text is still here. Press Save draft to try again.");
        });
    }

    function changed() {
        dirty = true;
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 3000);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
        submitting = true;
        window.clearTimeout(timer);
    });
    window.addEventListener("beforeunload", function (event) {
        if (dirty && !submitting) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
}());
