"""Least privilege: what each role may do. Every route asks for one permission."""

from __future__ import annotations

from enum import StrEnum

from peluit_cases.domain.staff import Role


class Permission(StrEnum):
    CASE_LIST = "case.list"  # metadata of cases (number, status, category, dates)
    CASE_READ = "case.read"  # the decrypted report, messages, contact log
    ALL_CASES = "case.all"  # without it, only cases assigned to oneself
    CASE_WORK = "case.work"  # transitions, messages, contact log, conflict declaration
    CASE_ASSIGN = "case.assign"
    CASE_ENTER = "case.enter"  # manual reports (letter, phone, email, in person)
    IDENTITY_REVEAL = "identity.reveal"
    DASHBOARD = "dashboard"
    EXPORT = "export"
    AUDIT_READ = "audit.read"
    STAFF_MANAGE = "staff.manage"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Admins run accounts and the audit trail; they do not read case content.
    Role.ADMIN: frozenset({P.STAFF_MANAGE, P.AUDIT_READ}),
    Role.COORDINATOR: frozenset(
        {
            P.CASE_LIST,
            P.CASE_READ,
            P.ALL_CASES,
            P.CASE_WORK,
            P.CASE_ASSIGN,
            P.CASE_ENTER,
            P.IDENTITY_REVEAL,
            P.DASHBOARD,
            P.EXPORT,
        }
    ),
    # Handlers work the cases assigned to them; a reveal needs an explicit grant.
    Role.HANDLER: frozenset({P.CASE_LIST, P.CASE_READ, P.CASE_WORK, P.CASE_ENTER}),
    # Viewers are the auditors and leadership: metadata, statistics, exports, the audit log.
    Role.VIEWER: frozenset({P.CASE_LIST, P.ALL_CASES, P.DASHBOARD, P.EXPORT, P.AUDIT_READ}),
}


def allowed(role: Role, permission: Permission, can_reveal: bool = False) -> bool:
    if permission is P.IDENTITY_REVEAL and can_reveal and role is Role.HANDLER:
        return True
    return permission in ROLE_PERMISSIONS[role]
