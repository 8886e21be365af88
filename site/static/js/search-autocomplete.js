// Suggests matching titles under a search box that has data-autocomplete; the search
// itself works without it. Arrow keys move through suggestions, Escape closes them.
(function () {
    "use strict";
    var input = document.querySelector("input[data-autocomplete]");
    if (!input || !window.fetch) {
        return;
    }
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.parentNode.insertAdjacentElement("afterend", list);
    var timer = null;
    var active = -1;

    function close() {
        list.hidden = true;
        list.innerHTML = "";
        active = -1;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
    }

    function show(suggestions) {
        list.innerHTML = "";
        suggestions.forEach(function (item, index) {
            var option = document.createElement("li");
            option.id = list.id + "-" + index;
            option.setAttribute("role", "option");
            var link = document.createElement("a");
            link.href = item.url;
            link.textContent = item.title;
            option.appendChild(link);
            list.appendChild(option);
        });
        list.hidden = suggestions.length === 0;
        input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    }

    input.addEventListener("input", function () {
        window.clearTimeout(timer);
        var value = input.value.trim();
        if (value.length < 2) {
            close();
            return;
        }
        timer = window.setTimeout(function () {
            fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(value), {credentials: "same-origin"})
                .then(function (response) { return response.json(); })
                .then(function (body) { show(body.suggestions || []); })
                .catch(close);
        }, 200);
    });

    input.addEventListener("keydown", function (event) {
        var options = list.querySelectorAll("[role=option]");
        if (event.key === "Escape") {
            close();
        } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
            event.preventDefault();
            active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
            options.forEach(function (option, index) {
                option.setAttribute("aria-selected", index === active ? "true" : "false");
            });
            input.setAttribute("aria-activedescendant", options[active].id);
        } else if (event.key === "Enter" && active >= 0 && options[active]) {
            event.preventDefault();
            window.location.href = options[active].querySelector("a").href;
        }
    });
    document.addEventListener("click", function (event) {
        if (!list.contains(event.target) && event.target !== input) {
            close();
        }
    });
}());
