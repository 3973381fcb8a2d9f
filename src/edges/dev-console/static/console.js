/* The dev console page: three views switched by the URL's hash; each view is its own module. */
/* global document, window */
import { startGraph } from "./graph-view.js";
import { startTrace } from "./trace-view.js";
import { startPlayground } from "./playground.js";

const views = ["graph", "trace", "playground"];

function showView() {
  const wanted = window.location.hash.slice(1);
  const view = views.includes(wanted) ? wanted : "graph";
  document.body.dataset.view = view;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.tab === view);
}

window.addEventListener("hashchange", showView);
showView();
startGraph();
startTrace();
startPlayground();
