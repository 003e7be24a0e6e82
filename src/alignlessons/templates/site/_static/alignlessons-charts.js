// Draws every stored chart of a course-site page with the site's own Vega (vega-bundle.js).
// Each <figure class="alignlessons-chart"> holds its Vega-Lite spec as inert JSON; the chart goes
// into the element with role="img" (named by the chart's description) and the sliders of a
// kernel-free explorer into a separate, labelled group, so they stay reachable by keyboard and
// screen reader. Nothing is fetched: the data are inline.
(function () {
  "use strict";

  function labelControls(controls) {
    if (!controls) return;
    controls.querySelectorAll("input, select").forEach(function (input, i) {
      if (!input.id) input.id = controls.parentElement.id + "-control-" + i;
      const label = input.closest("label");
      const name = label && label.querySelector(".vega-bind-name");
      if (name && !input.getAttribute("aria-label")) {
        input.setAttribute("aria-label", name.textContent.trim());
      }
    });
    // Radio buttons and checkboxes are labelled by their own values; name their group too.
    controls.querySelectorAll(".vega-bind").forEach(function (bind, i) {
      const group = bind.querySelector(".vega-bind-radio");
      const name = bind.querySelector(":scope > .vega-bind-name");
      if (group && name) {
        name.id = controls.parentElement.id + "-group-" + i;
        group.setAttribute("role", "radiogroup");
        group.setAttribute("aria-labelledby", name.id);
      }
    });
    // Vega shows a slider's value in a span next to it: announce changes politely.
    controls.querySelectorAll(".vega-bind label > span:last-child").forEach(function (span) {
      if (!span.classList.contains("vega-bind-name")) span.setAttribute("aria-live", "polite");
    });
  }

  async function draw(figure) {
    // Vega names its own container too (role graphics-document); the wrapper with role="img"
    // gives the chart one accessible name, its description, as in the notebooks' alt text.
    const view = figure.querySelector(".alignlessons-chart-canvas");
    const controls = figure.querySelector(".alignlessons-chart-controls");
    try {
      const spec = JSON.parse(figure.querySelector("script.alignlessons-chart-spec").textContent);
      const options = { actions: false, renderer: "svg" };
      if (controls) options.bind = controls;
      view.innerHTML = "";
      const result = await globalThis.vegaEmbed(view, spec, options);
      labelControls(controls);
      figure.dataset.drawn = "true";
    } catch (err) {
      view.textContent = "The chart could not be drawn: " + err;
      figure.dataset.drawn = "error";
      console.error(err);
    }
  }

  function drawAll() {
    if (typeof globalThis.vegaEmbed !== "function") {
      document.querySelectorAll(".alignlessons-chart-canvas").forEach(function (v) {
        v.textContent = "The chart library did not load; the data table below has the chart's data.";
      });
      return;
    }
    document.querySelectorAll("figure.alignlessons-chart").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
