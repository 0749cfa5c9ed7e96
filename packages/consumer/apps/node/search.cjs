// Node, CommonJS: the same search through require().
const { createVectorClient } = require('@vecpods/sdk')
const { ERROR_STATUS } = require('@vecpods/protocol')

const vecpods = createVectorClient({ url: process.env.SUPABASE_URL, key: process.env.SUPABASE_ANON_KEY }).throwOnError()
vecpods
  .search('read a file line by line', { collection: 'docs', limit: 3 })
  .then(({ data }) => console.log(JSON.stringify({ node: process.version, hits: data.map((h) => h.id), notFound: ERROR_STATUS.unknown_collection })))
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
