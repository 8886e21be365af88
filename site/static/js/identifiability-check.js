// Re-checks text for details that could identify someone while people type, and lists
// what it finds under the box. The server checks again when the form is sent, and the
// form works without this script.
(function () {
    "use strict";
    var form = document.querySelector("form[data-identifiability-url]");
    if (!form || !window.fetch || !window.FormData) {
        return;
    }
    var url = form.getAttribute("data-identifiability-url");
    var names = (form.getAttribute("data-identifiability-fields") || "").split(" ");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");

    function regionFor(field) {
        var id = field.id + "-live-findings";
        var region = document.getElementById(id);
        if (!region) {
            region = document.createElement("div");
            region.id = id;
            region.className = "findings findings--live";
            region.setAttribute("aria-live", "polite");
            field.insertAdjacentElement("afterend", region);
        }
        return region;
    }

    function show(field, findings) {
        var region = regionFor(field);
        region.textContent = "";
        if (!findings.length) {
            return;
        }
        var title = document.createElement("p");
        title.textContent = "Check these details before you publish:";
        region.appendChild(title);
        var list = document.createElement("ul");
        findings.forEach(function (finding) {
            var item = document.createElement("li");
            var text = (finding.severity === "block" ? "Must be removed: " : "May identify someone: ") +
                finding.label + " \u201c" + finding.text + "\u201d";
            if (finding.suggestion) {
                text += ". Try \u201c" + finding.suggestion + "\u201d";
            }
            item.textContent = text + ".";
            list.appendChild(item);
        });
        region.appendChild(list);
    }

    function check(field) {
        var data = new FormData();
        data.append("text", field.value);
        if (token) {
            data.append("csrfmiddlewaretoken", token.value);
        }
        fetch(url, {method: "POST", body: data, credentials: "same-origin"})
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (body) { if (body) { show(field, body.findings); } })
            .catch(function () { /* the server checks on sending anyway */ });
    }

    names.forEach(function (name) {
        var field = form.elements[name];
        if (!field || !field.addEventListener) {
            return;
        }
        var timer = null;
        field.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(function () { check(field); }, 700);
        });
    });
}());
