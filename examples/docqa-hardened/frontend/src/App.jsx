import { useState } from "react";
import { marked } from "marked";
import DOMPurify from "dompurify";

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]').content;
}

export default function App() {
  const [answer, setAnswer] = useState("");
  const [question, setQuestion] = useState("");
  const [documentId, setDocumentId] = useState(null);

  async function upload(e) {
    const body = new FormData();
    body.append("file", e.target.files[0]);
    const res = await fetch("/api/upload", { method: "POST", body, headers: { "X-CSRFToken": csrfToken() } });
    setDocumentId((await res.json()).id);
  }

  async function ask() {
    const res = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ question, document_id: documentId }),
    });
    setAnswer((await res.json()).answer);
  }

  const html = DOMPurify.sanitize(marked(answer), { FORBID_TAGS: ["img"] });
  return (
    <main>
      <input type="file" onChange={upload} />
      <input value={question} onChange={(e) => setQuestion(e.target.value)} />
      <button onClick={ask}>Ask</button>
      <div dangerouslySetInnerHTML={{ __html: html }} />
    </main>
  );
}
