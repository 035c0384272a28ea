'use server'

import { auth } from '@/auth'
import { db } from '@/db'

export async function createPost(form: FormData) { // want: server-action POST app/actions.ts#createPost [auth]
  const session = await auth()
  if (!session) throw new Error('unauthorized')
  await db.post.create({ data: { title: form.get('title') } })
}

export async function deletePost(id: string) { // want: server-action POST app/actions.ts#deletePost []
  await db.post.delete({ where: { id } })
}

async function requireOwner() {
  const session = await auth()
  return session
}

export const archivePost = async (id: string) => { // want: server-action POST app/actions.ts#archivePost [auth]
  await requireOwner()
  await db.post.update({ where: { id }, data: { archived: true } })
}

export const updateName = authActionClient.action(async ({ parsedInput }) => {}) // want: server-action POST app/actions.ts#updateName [auth]

export async function register(form: FormData) { // want: server-action POST app/actions.ts#register []
  const [user] = await getUser(form.get('email'))
  if (user) return { status: 'exists' }
}
