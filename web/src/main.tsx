import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router-dom';
import { whenUnauthenticated } from './api/client.js';
import { queryClient } from './api/queries.js';
import { switchSession } from './api/session.js';
import { Layout } from './components/Layout.js';
import { RouteError } from './components/RouteError.js';
import { signInPath } from './lib/sign-in-target.js';
import { AdminLayout } from './views/admin/AdminLayout.js';
import { PermissionsPage } from './views/admin/PermissionsPage.js';
import { TeamsPage } from './views/admin/TeamsPage.js';
import { TokensPage } from './views/admin/TokensPage.js';
import { UsersPage } from './views/admin/UsersPage.js';
import { DashboardPage } from './views/DashboardPage.js';
import { DatasetPage } from './views/DatasetPage.js';
import { ExperimentChartsPage } from './views/ExperimentChartsPage.js';
import { ExperimentPage } from './views/ExperimentPage.js';
import { ExperimentsPage } from './views/ExperimentsPage.js';
import { AuditPage } from './views/governance/AuditPage.js';
import { RequestsPage } from './views/governance/RequestsPage.js';
import { InboxPage } from './views/InboxPage.js';
import { LoggedModelPage } from './views/LoggedModelPage.js';
import { MyTokensPage } from './views/MyTokensPage.js';
import { NotFoundPage } from './views/NotFoundPage.js';
import { ReportsPage } from './views/ReportsPage.js';
import { ModelPage } from './views/registry/ModelPage.js';
import { ModelsPage } from './views/registry/ModelsPage.js';
import { VersionComparePage } from './views/registry/VersionComparePage.js';
import { VersionPage } from './views/registry/VersionPage.js';
import { SignInPage } from './views/SignInPage.js';
import { SavedSearchLink } from './views/search/SavedSearchLink.js';
import { SearchPage } from './views/search/SearchPage.js';
import { TeamDashboardPage } from './views/TeamDashboardPage.js';

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/', element: <ExperimentsPage /> },
      { path: '/experiments/:experimentId', element: <ExperimentPage /> },
      { path: '/experiments/:experimentId/dashboard', element: <DashboardPage /> },
      { path: '/experiments/:experimentId/charts', element: <ExperimentChartsPage /> },
      { path: '/experiments/:experimentId/reports', element: <ReportsPage /> },
      {
        path: '/experiments/:experimentId/reports/:reportId',
        lazy: async () => ({ Component: (await import('./views/ReportPage.js')).ReportPage }),
      },
      { path: '/teams/:team/dashboard', element: <TeamDashboardPage /> },
      // The run and comparison pages carry the charting code; loaded on first visit, they keep it out of the
      // bundle every page waits for before it can ask the server for anything.
      {
        path: '/experiments/:experimentId/runs/:runId',
        lazy: async () => ({ Component: (await import('./views/RunPage.js')).RunPage }),
      },
      { path: '/logged-models/:modelId', element: <LoggedModelPage /> },
      { path: '/models', element: <ModelsPage /> },
      { path: '/models/:name', element: <ModelPage /> },
      { path: '/models/:name/versions/:version', element: <VersionPage /> },
      { path: '/models/:name/compare', element: <VersionComparePage /> },
      // React Flow and ELK are loaded only by the lineage page.
      {
        path: '/lineage',
        lazy: async () => ({ Component: (await import('./views/lineage/LineagePage.js')).LineagePage }),
      },
      { path: '/datasets/:dataset', element: <DatasetPage /> },
      { path: '/compare', lazy: async () => ({ Component: (await import('./views/ComparePage.js')).ComparePage }) },
      { path: '/search', element: <SearchPage /> },
      { path: '/searches/:savedSearchId', element: <SavedSearchLink /> },
      { path: '/tokens', element: <MyTokensPage /> },
      { path: '/inbox', element: <InboxPage /> },
      { path: '/requests', element: <RequestsPage /> },
      { path: '/audit', element: <AuditPage /> },
      {
        path: '/admin',
        element: <AdminLayout />,
        children: [
          { index: true, element: <Navigate to="/admin/users" replace /> },
          { path: 'users', element: <UsersPage /> },
          { path: 'teams', element: <TeamsPage /> },
          { path: 'tokens', element: <TokensPage /> },
          { path: 'permissions', element: <PermissionsPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

// A session that ended (expired, signed out elsewhere, the user deactivated) makes every call answer 401: forget
// who was signed in and go to the sign-in page, which brings the user back here afterwards.
whenUnauthenticated(() => {
  const here = `${window.location.pathname}${window.location.search}`;
  if (here.startsWith('/sign-in')) return;
  switchSession(queryClient, (session) => session && { ...session, user: null, csrfToken: null });
  void router.navigate(signInPath(here), { replace: true });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
