// POST /imports from the browser. openapi-fetch (fetch) cannot report how much of a body
// has gone, so the upload goes by XMLHttpRequest, whose upload events give the progress; it
// carries the session cookie and X-CSRF-Token as every other write of the console does.
import { csrfToken, type Schemas } from '../api/client'

export type ImportReport = Schemas['ImportReportOut']
export type ImportProblem = Schemas['ProblemOut']

/** Where a request is: sending the files (with a fraction), or the server at work. */
export type Phase = { step: 'upload'; sent: number; total: number } | { step: 'server' }

export interface ImportAnswer {
  status: number
  /** the JSON report: the 200 answer, or the report member of a 422 problem */
  report?: ImportReport
  /** a problem answer's detail (an unsupported file, too large, no right to write …) */
  problem?: unknown
  /** the error workbook (error_report=xlsx and a problem found) */
  workbook?: Blob
}

export interface ImportRequest {
  files: File[]
  dryRun: boolean
  errorReport?: boolean
  onPhase?: (phase: Phase) => void
}

/** Sends the files; resolves with the answer (any status), rejects if the network fails or
 * the request is aborted. `abort` stops the upload. */
export function postImport(request: ImportRequest): { done: Promise<ImportAnswer>; abort: () => void } {
  const xhr = new XMLHttpRequest()
  const query = new URLSearchParams()
  if (request.dryRun) query.set('dry_run', 'true')
  if (request.errorReport) query.set('error_report', 'xlsx')
  const body = new FormData()
  for (const file of request.files) body.append('files', file, file.name)

  const done = new Promise<ImportAnswer>((resolve, reject) => {
    xhr.open('POST', `/imports?${query}`)
    xhr.withCredentials = true
    xhr.responseType = 'blob'
    xhr.setRequestHeader('X-CSRF-Token', csrfToken())
    xhr.setRequestHeader('Accept', request.errorReport
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/json'
      : 'application/json')
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) request.onPhase?.({ step: 'upload', sent: event.loaded, total: event.total })
    }
    // every byte is sent: from now on the server reads, checks (and writes) the rows
    xhr.upload.onload = () => request.onPhase?.({ step: 'server' })
    xhr.onerror = () => reject(new Error('network'))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    xhr.onload = async () => {
      const blob = xhr.response as Blob
      const type = xhr.getResponseHeader('Content-Type') ?? ''
      const answer: ImportAnswer = { status: xhr.status }
      const location = xhr.getResponseHeader('Location')
      if (xhr.status === 202 && location) {
        // a large upload is a job (IMPORT_JOB_BYTES): the server imports it after this answer
        awaitJob(location).then(resolve, reject)
        return
      }
      if (type.startsWith('application/vnd.openxmlformats')) {
        answer.workbook = blob
      } else if (type.includes('json')) {
        try {
          const json: unknown = JSON.parse(await blob.text())
          if (xhr.status === 200) answer.report = json as ImportReport
          else {
            answer.problem = json
            const report = (json as { report?: ImportReport } | null)?.report
            if (report && typeof report === 'object') answer.report = report
          }
        } catch {
          answer.problem = null
        }
      }
      resolve(answer)
    }
    request.onPhase?.({ step: 'upload', sent: 0, total: request.files.reduce((n, f) => n + f.size, 0) })
    xhr.send(body)
  })
  return { done, abort: () => xhr.abort() }
}

type ImportJob = Schemas['ImportJobOut']

/** A job's answer as the synchronous import's: asked for every second until it ends; a
 * report (succeeded: 200, failed on the files' problems: 422) or the problem that stopped it. */
async function awaitJob(location: string): Promise<ImportAnswer> {
  // this origin's path: behind a proxy ending TLS the server may name its URL with http://
  const path = new URL(location, window.location.href).pathname
  for (;;) {
    const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    const json: unknown = await response.json().catch(() => null)
    if (!response.ok) return { status: response.status, problem: json }
    const job = json as ImportJob
    if (job.status === 'succeeded' && job.report) return { status: 200, report: job.report }
    if (job.status === 'failed' && job.report) return { status: 422, report: job.report }
    if (job.status !== 'queued' && job.status !== 'running') {
      return { status: job.error?.status ?? 500, problem: job.error }
    }
    await new Promise((done) => setTimeout(done, 1000))
  }
}

/** A relationship type (PART_OF, all capitals) rather than a node label (Area, PartyOrg). */
export function isRelationship(kind: string): boolean {
  return /^[A-Z][A-Z_]*$/.test(kind)
}

/** Saves a blob as a file, as a link with `download` would. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
