import { db } from '@/db'

export default function Page() {
  async function like(formData: FormData) { // want: server-action POST app/posts/page.tsx#like []
    'use server'
    await db.like.create({ data: {} })
  }
  return <form action={like}><button>like</button></form>
}
