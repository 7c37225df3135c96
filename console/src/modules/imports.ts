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
