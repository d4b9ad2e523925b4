// Drag and drop on the deliverables board: an enhancement only. Every card keeps its
// keyboard-accessible "Move to" form, and dropping a card simply submits that form.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("[data-board]");
  if (!board) return;
  let dragged = null;
  board.querySelectorAll(".board-card").forEach((card) => {
    if (!card.querySelector(".move-form")) return;
    card.setAttribute("draggable", "true");
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      event.dataTransfer.setData("text/plain", card.dataset.deliverable);
      event.dataTransfer.effectAllowed = "move";
    });
    card.addEventListener("dragend", () => {
      dragged = null;
      board.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
    });
  });
  const allowed = (column) =>
    dragged && (dragged.dataset.targets || "").split(" ").includes(column.dataset.status);
  board.querySelectorAll(".board-column").forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (!allowed(column)) return;
      event.preventDefault();
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", () => column.classList.remove("drop-target"));
    column.addEventListener("drop", (event) => {
      if (!allowed(column)) return;
      event.preventDefault();
      const form = dragged.querySelector(".move-form");
      form.querySelector("select[name=status]").value = column.dataset.status;
      form.requestSubmit();
    });
  });
});
