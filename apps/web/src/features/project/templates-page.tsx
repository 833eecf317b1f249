'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useState } from 'react';
import { EmptyState, ErrorMessage, Loading, Notice } from '@/components/feedback';
import { RemovalDialog } from '@/components/removal-dialog';
import { DELETE_MACHINE_TEMPLATE, MACHINE_TEMPLATES, type MachineTemplate } from '@/graphql/templates';
import { formatShape } from '@/lib/format';
import { useProjectEvents } from '@/lib/hooks';
import { labelTags } from '@/lib/labels';
import { useProject } from '@/lib/project';

/** The project's machine templates: what the create wizard can start from, and whether each still can. */
/** What others do to the project's templates, which the page shows as it happens. */
const TEMPLATE_EVENTS = ['machine_template.created', 'machine_template.updated', 'machine_template.deleted'];

export function TemplatesPage() {
  const { project, canWrite } = useProject();
  const projectId = project?.id ?? '';
  const templates = useQuery(MACHINE_TEMPLATES, { variables: { projectId }, skip: !projectId });
  useProjectEvents(projectId, TEMPLATE_EVENTS, () => void templates.refetch());
  const [remove, removal] = useMutation(DELETE_MACHINE_TEMPLATE);
  const [deleting, setDeleting] = useState<MachineTemplate | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (!project) return <Loading />;
  const list = templates.data?.machineTemplates ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Machine templates</h1>
          <p className="muted">
            Recipes for the machines of {project.name}: an account, location, image and configuration, with a
            placement group, labels and user data if you like.
          </p>
        </div>
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <ErrorMessage error={templates.error ?? removal.error} />
      {templates.loading && !templates.data ? <Loading /> : null}
      {templates.data && list.length === 0 ? (
        <EmptyState title="No machine template yet.">
          A template remembers the choices of the Create machine wizard, so that machines alike are made in a
          few clicks.{' '}
          {canWrite ? (
            <>
              Walk through <Link href="/machines/new">Create machine</Link> and, on its last step, choose
              “Save as template”, or save one from a machine's page; the wizard can then start from it.
            </>
          ) : (
            'Members of the project save them from the Create machine wizard or from a machine.'
          )}
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="data" aria-label="Machine templates">
            <thead>
              <tr>
                <th>Name</th>
                <th>Provider account</th>
                <th>Location</th>
                <th>Image</th>
                <th>Configuration</th>
                <th>Labels</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => {
                const { problem } = t;
                return (
                  <tr key={t.id} data-template={t.name}>
                    <td style={{ whiteSpace: 'normal', maxWidth: 280 }}>
                      {t.name}
                      {problem ? <span className="tag tag-bad">cannot create machines</span> : null}
                      {t.description ? <span className="cell-sub">{t.description}</span> : null}
                      {problem ? (
                        <span className="cell-sub field-error" data-template-problem>
                          {problem}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {t.accountName ?? <span className="muted">deleted</span>}
                      {t.provider ? (
                        <span className="cell-sub">
                          {t.provider.name} ({t.provider.kind})
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {t.location?.name ?? <span className="muted">gone</span>}
                      {t.placementGroupName ? (
                        <span className="cell-sub">group {t.placementGroupName}</span>
                      ) : null}
                    </td>
                    <td data-template-image>
                      {t.image?.name ?? <span className="muted">no longer offered</span>}
                      {t.image ? (
                        <span className="cell-sub">
                          {[t.image.os, t.image.architecture].filter(Boolean).join(' · ') || t.image.ref}
                        </span>
                      ) : null}
                    </td>
                    <td data-template-configuration>
                      {t.configuration?.name ?? <span className="muted">gone</span>}
                      {t.configuration ? (
                        <span className="cell-sub">{formatShape(t.configuration)}</span>
                      ) : null}
                    </td>
                    <td data-template-labels style={{ whiteSpace: 'normal', minWidth: 60, maxWidth: 200 }}>
                      {labelTags(t.labels).map((tag) => (
                        <span key={tag} className="tag tag-grey" style={{ margin: '1px 4px 1px 0' }}>
                          {tag}
                        </span>
                      ))}
                      {Object.keys(t.labels).length === 0 ? <span className="muted">—</span> : null}
                      {t.hasUserData ? <span className="cell-sub">with user data</span> : null}
                    </td>
                    <td>
                      {canWrite ? (
                        <div className="row" style={{ minWidth: 190, flexWrap: 'nowrap' }}>
                          {/* The wizard mends a template too: it chooses the parts that are gone. */}
                          <Link
                            className="btn btn-small"
                            href={`/machines/new?template=${encodeURIComponent(t.id)}`}
                            aria-label={`${problem ? 'Edit' : 'Create machines from'} ${t.name}`}
                          >
                            {problem ? 'Edit' : 'Create machines'}
                          </Link>
                          <button
                            type="button"
                            className="btn btn-small btn-danger-outline"
                            aria-label={`Delete ${t.name}`}
                            onClick={() => {
                              setNotice(null);
                              removal.reset();
                              setDeleting(t);
                            }}
                          >
                            Delete
                          </button>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <RemovalDialog
        target={deleting}
        title={(name) => `Delete ${name}?`}
        confirmLabel="Delete template"
        busy={removal.loading}
        onClose={() => setDeleting(null)}
        remove={(template) => remove({ variables: { input: { templateId: template.id } } })}
        onRemoved={async (template) => {
          setNotice(`Template ${template.name} deleted.`);
          await templates.refetch();
        }}
      >
        <p>
          The machines created from it are not touched; the Create machine wizard can no longer start from it.
        </p>
      </RemovalDialog>
    </>
  );
}
