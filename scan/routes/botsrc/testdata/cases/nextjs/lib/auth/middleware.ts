import { getUser } from '@/lib/db/queries'

export function validatedAction(schema, action) {
  return async (prev, formData) => {
    const result = schema.safeParse(Object.fromEntries(formData))
    return action(result.data, formData)
  }
}

export function withTeam(action) {
  return async (formData) => {
    const user = await getUser()
    if (!user) throw new Error('unauthorized')
    return action(formData, user.team)
  }
}
