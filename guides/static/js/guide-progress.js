// Tick a guide's steps as done (progressive enhancement). The ticks are kept in
// this browser only (localStorage, one key per guide); nothing is sent to the
// server. Without this script the page shows no checkboxes and is complete.
// Each step gets a real checkbox with a label naming the step, and the count
// ("3 of 12 done") is shown in the page header and, as a polite live region,
// in the "at a glance" panel.
"use strict";
(function () {
  var PREFIX = "fieldguide:guide-steps:";

  function load(key) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(saved) ? saved.map(String) : [];
    } catch (error) {
      return [];
    }
  }

  function save(key, done) {
    try {
      if (done.length) {
        window.localStorage.setItem(key, JSON.stringify(done));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (error) {
      // Storage full or refused (private browsing): the ticks last for this visit.
    }
  }

  function init(guide) {
    var key = PREFIX + guide.dataset.guideProgress;
    var steps = Array.prototype.slice.call(guide.querySelectorAll(".guide-step[data-step]"));
    if (!steps.length) {
      return;
    }
    var done = load(key).filter(function (id) {
      return steps.some(function (step) {
        return step.dataset.step === id;
      });
    });
    var counters = [];

    function counter(where, live) {
      var text = document.createElement("p");
      text.className = "guide-progress";
      if (live) {
        text.setAttribute("role", "status");
      }
      where.appendChild(text);
      counters.push(text);
    }

    var header = guide.querySelector(".guide-total");
    if (header) {
      counter(header.parentNode, false);
    }
    var panel = guide.querySelector(".guide-glance");
    if (panel) {
      counter(panel, true);
    }

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "button button-secondary guide-progress-reset";
    reset.textContent = "Untick every step";
    if (panel) {
      panel.appendChild(reset);
    }

    function update() {
      var message = done.length + " of " + steps.length + " done";
      counters.forEach(function (text) {
        text.textContent = message;
      });
      reset.hidden = done.length === 0;
      save(key, done);
    }

    steps.forEach(function (step) {
      var id = step.dataset.step;
      var heading = step.querySelector(".step-title");
      var title = heading.cloneNode(true);
      Array.prototype.forEach.call(title.querySelectorAll(".step-number"), function (number) {
        number.remove();
      });
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "done-" + step.id;
      box.checked = done.indexOf(id) !== -1;
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = "Done";
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = " for " + (title.textContent.trim() || "step " + step.dataset.number);
      label.appendChild(name);
      var row = document.createElement("p");
      row.className = "step-done";
      row.appendChild(box);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(label);
      heading.parentNode.insertBefore(row, heading.nextSibling);
      step.classList.toggle("is-done", box.checked);
      box.addEventListener("change", function () {
        done = done.filter(function (other) {
          return other !== id;
        });
        if (box.checked) {
          done.push(id);
        }
        step.classList.toggle("is-done", box.checked);
        update();
      });
    });

    reset.addEventListener("click", function () {
      done = [];
      steps.forEach(function (step) {
        var box = step.querySelector(".step-done input");
        box.checked = false;
        step.classList.remove("is-done");
      });
      update();
      steps[0].querySelector(".step-done input").focus();
    });

    update();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-guide-progress]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
