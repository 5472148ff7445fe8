// Progressive enhancement for the search box: fill its <datalist> with title suggestions
// from the JSON endpoint. Without JavaScript the box is a plain search form.
const input = document.querySelector("[data-suggest-url]");
if (input && input.list) {
  const list = input.list;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(async () => {
      const url = `${input.dataset.suggestUrl}?q=${encodeURIComponent(q)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { suggestions } = await response.json();
      list.replaceChildren(
        ...suggestions.map((s) => Object.assign(document.createElement("option"), { value: s.title }))
      );
    }, 200);
  });
}
