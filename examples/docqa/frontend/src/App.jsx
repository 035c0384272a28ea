import { useState } from "react";
import { marked } from "marked";

export default function App() {
  const [answer, setAnswer] = useState("");
  const [question, setQuestion] = useState("");
  const [documentId, setDocumentId] = useState(null);

  async function upload(e) {
    const body = new FormData();
    body.append("file", e.target.files[0]);
    const res = await fetch("/api/upload", { method: "POST", body });
    setDocumentId((await res.json()).id);
  }

  async function ask() {
    const res = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, document_id: documentId }),
    });
    setAnswer((await res.json()).answer);
  }

  return (
    <main>
      <input type="file" onChange={upload} />
      <input value={question} onChange={(e) => setQuestion(e.target.value)} />
      <button onClick={ask}>Ask</button>
      <div dangerouslySetInnerHTML={{ __html: marked(answer) }} />
    </main>
  );
}
